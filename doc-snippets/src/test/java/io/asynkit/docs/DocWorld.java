package io.asynkit.docs;

import java.util.List;
import java.util.function.Consumer;

/**
 * The hidden prelude of the documentation's fragments: every {@code statements} and {@code members}
 * snippet is compiled in a class that extends this one, so the placeholders the pages use (an
 * {@code http} client, a {@code url}, a {@code pricing} service, a {@code Quote} ...) resolve to
 * something of a plausible type. Nothing here runs; a page that needs another placeholder adds it here.
 * See docs/README.md, "Java snippets".
 */
@SuppressWarnings("unused")
public abstract class DocWorld {

    // ---- values the snippets pass around -------------------------------------------------------
    public static final class Page {
        public Page next() { return null; }
        public List<Row> rows() { return List.of(); }
    }
    public static final class Row { }
    public static final class Value { }
    public static final class Quote { }
    public static final class Report { }
    public static final class Export { }
    public static final class Order { }
    public static final class Prices { }
    public static final class Price { }
    public static final class Stock { }
    public record Offer(Price price, Stock stock) { }
    public record Summary(Prices prices, int port) { }
    public static final class Data { }
    public static final class Local { }

    // ---- services -------------------------------------------------------------------------------
    public interface Http { Page get(String url) throws Exception; }
    public interface Audit { void log(String message); }
    public interface Cache {
        Value getOrLoad(String key) throws Exception;
        String peek(String key);
        Price get(String sku);
    }
    public interface Remote { Price fetch(String sku); }
    public interface Pricing {
        Quote quote();
        Quote quote(Order order) throws Exception;
        Prices fetch(List<String> ids) throws Exception;
    }
    public interface StockService { Stock stock(String sku); }
    public interface Server { void serve(int port, Consumer<Integer> onBound) throws Exception; }
    public interface Io { String read() throws Exception; }

    protected Http http;
    protected String url;
    protected Audit audit;
    protected Cache cache;
    protected String key;
    protected Remote remote;
    protected Pricing pricing;
    protected Order order;
    protected List<String> ids;
    protected Server server;
    protected Io io;
    protected StringBuilder buffer;
    protected String id;

    protected Report buildReport() { return new Report(); }
    protected Quote quote() { return new Quote(); }
    protected Page fetch(String url) { return new Page(); }
    protected Page firstPage() { return new Page(); }
    protected void renderHeader() { }
    protected void render(Page page) { }
    protected String takeLine(StringBuilder buffer) { return ""; }
    protected Data fetchRemote(String id) { return new Data(); }
    protected Local computeLocally() { return new Local(); }
    protected Object combine(Local local, Data data) { return null; }
}
