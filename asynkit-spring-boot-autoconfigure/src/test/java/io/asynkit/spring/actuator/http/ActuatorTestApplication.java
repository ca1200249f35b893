package io.asynkit.spring.actuator.http;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/** A minimal web application with Actuator and the asynkit starter's auto-configurations. */
@SpringBootApplication
public class ActuatorTestApplication {
}
