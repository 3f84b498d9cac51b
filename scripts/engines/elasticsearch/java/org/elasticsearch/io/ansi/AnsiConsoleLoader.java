package org.elasticsearch.io.ansi;

import java.util.function.Supplier;

/**
 * The class the server loads from lib/tools/ansi-console (a distribution tool, not on
 * Maven Central) to find a terminal: the node runs detached, so there is none, as when
 * Elasticsearch itself runs without a console (the server then logs to its files only).
 */
public class AnsiConsoleLoader implements Supplier<Object> {
    @Override
    public Object get() {
        return null;
    }
}
