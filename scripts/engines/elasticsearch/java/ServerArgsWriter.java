import java.nio.file.Path;

import org.elasticsearch.bootstrap.ServerArgs;
import org.elasticsearch.common.io.stream.OutputStreamStreamOutput;
import org.elasticsearch.common.settings.KeyStoreWrapper;
import org.elasticsearch.common.settings.Settings;

/**
 * Writes the node's start arguments to stdout, serialized as Elasticsearch's own
 * command line (server-cli, not published on Maven Central) sends them on the server's
 * stdin: the settings of CONFIG/elasticsearch.yml plus KEY=VALUE overrides, an empty
 * keystore, the config and logs folders.
 *
 * Usage: ServerArgsWriter CONFIG_DIR LOGS_DIR [KEY=VALUE...]
 */
public class ServerArgsWriter {
    public static void main(String[] args) throws Exception {
        Path config = Path.of(args[0]);
        Settings.Builder settings = Settings.builder().loadFromPath(config.resolve("elasticsearch.yml"));
        for (int i = 2; i < args.length; i++) {
            String[] kv = args[i].split("=", 2);
            settings.put(kv[0], kv[1]);
        }
        ServerArgs serverArgs = new ServerArgs(false, false, null, KeyStoreWrapper.create(), settings.build(), config, Path.of(args[1]));
        OutputStreamStreamOutput out = new OutputStreamStreamOutput(System.out);
        serverArgs.writeTo(out);
        out.flush();
        System.out.flush();
    }
}
