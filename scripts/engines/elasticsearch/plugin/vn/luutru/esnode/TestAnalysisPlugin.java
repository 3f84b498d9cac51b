package vn.luutru.esnode;

import java.util.Map;
import java.util.regex.Pattern;

import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.miscellaneous.ASCIIFoldingFilter;
import org.apache.lucene.analysis.miscellaneous.LengthFilter;
import org.apache.lucene.analysis.pattern.PatternTokenizer;
import org.elasticsearch.common.regex.Regex;
import org.elasticsearch.index.analysis.AbstractTokenFilterFactory;
import org.elasticsearch.index.analysis.TokenFilterFactory;
import org.elasticsearch.index.analysis.TokenizerFactory;
import org.elasticsearch.indices.analysis.AnalysisModule.AnalysisProvider;
import org.elasticsearch.plugins.AnalysisPlugin;
import org.elasticsearch.plugins.Plugin;

/**
 * The three analysis components of Elasticsearch's analysis-common module that luutru's
 * index uses (cluster_model.ANALYSIS): the "pattern" tokenizer and the "asciifolding" and
 * "length" token filters, built on the same Lucene classes (lucene-analysis-common, a server
 * dependency). analysis-common itself is not published on Maven Central for 9.x; "lowercase"
 * is built into the server.
 */
public class TestAnalysisPlugin extends Plugin implements AnalysisPlugin {
    @Override
    public Map<String, AnalysisProvider<TokenizerFactory>> getTokenizers() {
        return Map.of("pattern", (indexSettings, env, name, settings) -> {
            Pattern pattern = Regex.compile(settings.get("pattern", "\\W+"), settings.get("flags"));
            int group = settings.getAsInt("group", -1);
            return TokenizerFactory.newFactory(name, () -> new PatternTokenizer(pattern, group));
        });
    }

    @Override
    public Map<String, AnalysisProvider<TokenFilterFactory>> getTokenFilters() {
        return Map.of(
            "asciifolding", (indexSettings, env, name, settings) -> {
                boolean keep = settings.getAsBoolean("preserve_original", false);
                return new AbstractTokenFilterFactory(name) {
                    @Override
                    public TokenStream create(TokenStream in) {
                        return new ASCIIFoldingFilter(in, keep);
                    }
                };
            },
            "length", (indexSettings, env, name, settings) -> {
                int min = settings.getAsInt("min", 0), max = settings.getAsInt("max", Integer.MAX_VALUE);
                return new AbstractTokenFilterFactory(name) {
                    @Override
                    public TokenStream create(TokenStream in) {
                        return new LengthFilter(in, min, max);
                    }
                };
            });
    }
}
