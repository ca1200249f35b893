/**
 * <b>Not API.</b> Engine internals that asynkit's own packages share with each other (Java has no
 * "friend" packages without modules). Anything here may change or disappear in any release, patch
 * releases included; code outside asynkit must not use it. The package is public only because the
 * engine ships without a {@code module-info} (see docs/compatibility.md), and the engine jar's manifest
 * names it in {@code Asynkit-Internal-Packages}. It is left out of the published Javadoc.
 */
package io.asynkit.internal;
