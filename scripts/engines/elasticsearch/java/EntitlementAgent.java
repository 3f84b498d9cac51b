import java.lang.instrument.Instrumentation;

/**
 * The java agent Elasticsearch attaches to itself at start (lib/entitlement-agent; the
 * distribution's jar is not on Maven Central): it only hands the JVM's Instrumentation to
 * the entitlement library's initializer (elasticsearch-entitlement, on Maven Central),
 * which instruments the JDK. Its manifest allows class retransformation.
 */
public class EntitlementAgent {
    public static void agentmain(String agentArgs, Instrumentation inst) throws Exception {
        String init = agentArgs == null || agentArgs.isEmpty()
            ? "org.elasticsearch.entitlement.initialization.EntitlementInitialization" : agentArgs;
        Class.forName(init).getMethod("initialize", Instrumentation.class).invoke(null, inst);
    }
}
