# Engines for Lưu trữ's tests and small installations, installed and started on loopback.
# Sourced by scripts/setup (bash). Each engine_* function is idempotent: it installs
# what is missing, starts the engine when it does not answer, and records one status
# line ("name version state detail") in ENGINE_LINES and its URL in ENGINE_ENV.
# Downloads, binaries and data live outside the checkout (ENGINES_OPT, ENGINES_VAR).
#
# Versions here are the ones CI tests; deploy/compose.yaml and docs/operations.md name
# the same ones.

PG_VERSION_WANTED=15                                 # Debian 12's PostgreSQL
VERAPDF_VERSION=1.28.2                               # org.verapdf.apps:greenfield-apps
COMMONSIP_VERSION=2.10.0                             # org.roda-community:commons-ip2 (E-ARK reference implementation)
OPENSEARCH_VERSION=2.19.6                            # newest 2.x that Java 17 runs
ELASTICSEARCH_VERSION=9.5.3                          # the Python client's major (9.x); Java 21+
SEAWEEDFS_MODULE=github.com/seaweedfs/seaweedfs
SEAWEEDFS_VERSION=v0.0.0-20261109003541-7506e5f91cd6 # SeaweedFS 4.53 (S3 object lock)
SIEGFRIED_MODULE=github.com/richardlehane/siegfried
SIEGFRIED_VERSION=v1.11.4                            # PRONOM v122, container signatures 2026-01-19

PG_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test
OPENSEARCH_URL=http://127.0.0.1:9200
ELASTICSEARCH_URL=http://127.0.0.1:9201
S3_ENDPOINT=http://127.0.0.1:8333
S3_ACCESS_KEY=luutru-test          # test-only identity of the loopback S3 server
S3_SECRET_KEY=luutru-test-secret
S3_BUCKET=luutru-test              # created with object lock (versioning on)
ENGINE_USER=luutru-engines         # OpenSearch refuses to run as root

ENGINE_LINES=()
ENGINE_ENV=()

_engine_line() { ENGINE_LINES+=("$(printf 'engine: %-11s %-12s %s' "$1" "$2" "$3")"); }
_log() { echo "setup: $*" >&2; }
_is_root() { [ "$(id -u)" = 0 ]; }

# Start a long-running command detached from this shell (it outlives setup), as the
# engine user when we are root, as ourselves otherwise.
_detach() { # logfile cmd...
  local log=$1; shift
  if _is_root; then set -- runuser -u "$ENGINE_USER" -- "$@"; fi
  setsid nohup "$@" >"$log" 2>&1 </dev/null &
}

_wait_http() { # url seconds
  local i
  for ((i = 0; i < $2; i++)); do
    curl -s -m 2 -o /dev/null "$1" && return 0
    sleep 1
  done
  return 1
}

engines_prepare() {
  if _is_root; then
    id "$ENGINE_USER" >/dev/null 2>&1 ||
      useradd --system --home-dir "$ENGINES_VAR" --no-create-home --shell /usr/sbin/nologin "$ENGINE_USER"
  fi
  mkdir -p "$ENGINES_OPT" "$ENGINES_VAR" .engines/bin
  _is_root && chown "$ENGINE_USER": "$ENGINES_VAR"
  return 0
}

# --- PostgreSQL (Debian package; trust for user postgres on loopback: a test cluster) ---
engine_postgres() {
  if ! command -v pg_lsclusters >/dev/null 2>&1; then
    if _pg_answers; then _pg_record running "(not managed here)"; else _engine_line postgresql - "missing: install Debian's postgresql (needs root and apt)"; fi
    return 0
  fi
  if ! _is_root; then
    if _pg_answers; then _pg_record running ""; else _engine_line postgresql - "missing: not running, and starting it needs root"; fi
    return 0
  fi
  local ver cluster conf hba state
  read -r ver cluster _ <<<"$(pg_lsclusters -h | awk 'NR==1{print $1, $2}')"
  if [ -z "${ver:-}" ]; then
    ver=$(ls /usr/lib/postgresql | sort -n | tail -1); cluster=main
    pg_createcluster "$ver" "$cluster" >/dev/null
  fi
  conf=/etc/postgresql/$ver/$cluster
  hba=$conf/pg_hba.conf
  if ! grep -q '^# luutru-engines' "$hba"; then
    # Loopback trust for the test superuser only, ahead of Debian's peer/md5 lines.
    { echo "# luutru-engines: test cluster, superuser postgres trusted on loopback only"
      echo "host all postgres 127.0.0.1/32 trust"
      echo "host all postgres ::1/128 trust"
      cat "$hba"; } >"$hba.new" && mv "$hba.new" "$hba"
    chown postgres: "$hba"
  fi
  grep -q "^listen_addresses = 'localhost'" "$conf/postgresql.conf" ||
    echo "listen_addresses = 'localhost'" >>"$conf/postgresql.conf"
  state=running
  if pg_lsclusters -h | awk -v v="$ver" -v c="$cluster" '$1==v && $2==c {print $4}' | grep -q online; then
    pg_ctlcluster "$ver" "$cluster" reload
  else
    pg_ctlcluster "$ver" "$cluster" start && state=started
  fi
  local i
  for ((i = 0; i < 30; i++)); do _pg_answers && break; sleep 1; done
  if ! _pg_answers; then _engine_line postgresql "$ver" "missing: cluster $ver/$cluster did not answer on 127.0.0.1:5432"; return 0; fi
  psql -h 127.0.0.1 -U postgres -tAc "select 1 from pg_database where datname='test'" | grep -q 1 ||
    psql -h 127.0.0.1 -U postgres -qc "create database test" >/dev/null
  _pg_record "$state" ""
}

_pg_answers() { psql -h 127.0.0.1 -p 5432 -U postgres -d postgres -tAc 'select 1' >/dev/null 2>&1; }
_pg_record() {
  local v
  v=$(psql -h 127.0.0.1 -U postgres -d postgres -tAc 'show server_version' 2>/dev/null | awk '{print $1}')
  ENGINE_ENV+=("LUUTRU_TEST_PG_URL=$PG_URL")
  _engine_line postgresql "${v:-?}" "$1 127.0.0.1:5432 $2"
}

# --- veraPDF (Maven Central, run with the machine's Java) ---
engine_verapdf() {
  local home=$ENGINES_OPT/verapdf-$VERAPDF_VERSION
  local wrapper=$home/bin/verapdf state=present
  if [ ! -f "$home/lib/greenfield-apps-$VERAPDF_VERSION.jar" ]; then
    if ! command -v mvn >/dev/null 2>&1 || ! command -v java >/dev/null 2>&1; then
      _engine_line verapdf - "missing: needs mvn and java (Debian: maven, openjdk-17-jre-headless)"; return 0
    fi
    rm -rf "$home.tmp"
    if ! mvn -q -B -Dstyle.color=never -f scripts/engines/verapdf/pom.xml dependency:copy-dependencies \
        -DincludeScope=runtime -Dverapdf.version="$VERAPDF_VERSION" -DoutputDirectory="$home.tmp/lib" >&2; then
      _engine_line verapdf - "missing: Maven Central did not give org.verapdf.apps:greenfield-apps:$VERAPDF_VERSION"; return 0
    fi
    rm -rf "$home" && mv "$home.tmp" "$home"
    state=installed
  fi
  mkdir -p "$home/bin"
  cat >"$wrapper" <<EOF
#!/bin/sh
# veraPDF $VERAPDF_VERSION command line (greenfield parser), written by Lưu trữ's scripts/setup.
exec java -Xss4m \${VERAPDF_JAVA_OPTS:-} -cp '$home/lib/*' org.verapdf.apps.GreenfieldCliWrapper "\$@"
EOF
  chmod 755 "$wrapper"
  ln -sfn "$wrapper" .engines/bin/verapdf
  # On PATH for the service and the demo too (luutru finds `verapdf` on PATH when
  # LUUTRU_VERAPDF is unset), not only for the tests.
  if [ -w /usr/local/bin ]; then ln -sfn "$wrapper" /usr/local/bin/verapdf; fi
  local v
  v=$("$wrapper" --version 2>/dev/null | awk '/^veraPDF/{print $2; exit}')
  if [ -z "$v" ]; then _engine_line verapdf "$VERAPDF_VERSION" "missing: $wrapper --version failed"; return 0; fi
  ENGINE_ENV+=("LUUTRU_TEST_VERAPDF=$wrapper")
  _engine_line verapdf "$v" "$state $wrapper"
}

# --- commons-ip2 (the E-ARK reference implementation: SIP validator and builder, Maven Central) ---
# Its jar carries a picocli command line (org.roda_project.commons_ip2.cli.Main: `validate`,
# `create`); the wrapper runs it with the machine's Java. Used by the tests: E-ARK SIP
# validation of every package luutru builds, and packages it builds are ingested.
engine_commons_ip() {
  local home=$ENGINES_OPT/commons-ip2-$COMMONSIP_VERSION
  local wrapper=$home/bin/commons-ip state=present
  if [ ! -f "$home/lib/commons-ip2-$COMMONSIP_VERSION.jar" ]; then
    if ! command -v mvn >/dev/null 2>&1 || ! command -v java >/dev/null 2>&1; then
      _engine_line commons-ip - "missing: needs mvn and java (Debian: maven, openjdk-17-jre-headless)"; return 0
    fi
    rm -rf "$home.tmp"
    if ! mvn -q -B -Dstyle.color=never -f scripts/engines/commons-ip/pom.xml dependency:copy-dependencies \
        -DincludeScope=runtime -Dcommonsip.version="$COMMONSIP_VERSION" -DoutputDirectory="$home.tmp/lib" >&2; then
      _engine_line commons-ip - "missing: Maven Central did not give org.roda-community:commons-ip2:$COMMONSIP_VERSION"; return 0
    fi
    rm -rf "$home" && mv "$home.tmp" "$home"
    state=installed
  fi
  mkdir -p "$home/bin"
  # Its logback writes commons-ip.log.txt into \${commonsIp.home}, the current directory by default:
  # the wrappers point it at a per-user folder under /tmp (COMMONSIP_LOG_DIR to choose another).
  cat >"$wrapper" <<EOF
#!/bin/sh
# commons-ip2 $COMMONSIP_VERSION command line (E-ARK SIP validate/create), written by Lưu trữ's scripts/setup.
log=\${COMMONSIP_LOG_DIR:-\${TMPDIR:-/tmp}/commons-ip-\$(id -u)}; mkdir -p "\$log"
exec java \${COMMONSIP_JAVA_OPTS:-} -DcommonsIp.home="\$log" -cp '$home/lib/*' org.roda_project.commons_ip2.cli.Main "\$@"
EOF
  chmod 755 "$wrapper"
  ln -sfn "$wrapper" .engines/bin/commons-ip
  # The jar's manifest has no version (its -V prints "null"): check that the command answers.
  if ! "$wrapper" validate --help >/dev/null 2>&1; then
    _engine_line commons-ip "$COMMONSIP_VERSION" "missing: $wrapper validate --help failed"; return 0
  fi
  # commons-ip-sip: a SIP built with commons-ip2's EARKSIP API from a folder (a description per
  # document, which `create` cannot write); compiled here against the jars, on every run (1-2 s).
  if ! command -v javac >/dev/null 2>&1; then
    _engine_line commons-ip "$COMMONSIP_VERSION" "missing: needs javac to compile scripts/engines/commons-ip/SipFromFolder.java (Debian: openjdk-17-jdk-headless)"; return 0
  fi
  rm -rf "$home/classes" && mkdir -p "$home/classes"
  if ! javac -nowarn -d "$home/classes" -cp "$home/lib/*" scripts/engines/commons-ip/SipFromFolder.java >&2; then
    _engine_line commons-ip "$COMMONSIP_VERSION" "missing: javac of scripts/engines/commons-ip/SipFromFolder.java failed"; return 0
  fi
  cat >"$home/bin/commons-ip-sip" <<EOF
#!/bin/sh
# A SIP built with commons-ip2 $COMMONSIP_VERSION's EARKSIP API (scripts/engines/commons-ip/SipFromFolder.java), written by scripts/setup.
log=\${COMMONSIP_LOG_DIR:-\${TMPDIR:-/tmp}/commons-ip-\$(id -u)}; mkdir -p "\$log"
exec java \${COMMONSIP_JAVA_OPTS:-} -DcommonsIp.home="\$log" -cp '$home/lib/*:$home/classes' SipFromFolder "\$@"
EOF
  chmod 755 "$home/bin/commons-ip-sip"
  ENGINE_ENV+=("LUUTRU_TEST_COMMONS_IP=$wrapper")
  _engine_line commons-ip "$COMMONSIP_VERSION" "$state $wrapper (and commons-ip-sip)"
}

# --- OpenSearch (server and modules from Maven Central, one node on loopback) ---
engine_opensearch() {
  local home=$ENGINES_OPT/opensearch-$OPENSEARCH_VERSION var=$ENGINES_VAR/opensearch src=scripts/engines/opensearch
  local running
  running=$(curl -s -m 3 "$OPENSEARCH_URL" 2>/dev/null | grep -o '"number" : "[^"]*"' | cut -d'"' -f4)
  if [ -n "$running" ]; then
    ENGINE_ENV+=("LUUTRU_TEST_OPENSEARCH_URL=$OPENSEARCH_URL")
    _engine_line opensearch "$running" "running $OPENSEARCH_URL"; return 0
  fi
  if ! command -v java >/dev/null 2>&1; then _engine_line opensearch - "missing: needs java 17"; return 0; fi
  if [ ! -f "$home/.complete" ]; then
    if ! command -v mvn >/dev/null 2>&1; then _engine_line opensearch - "missing: needs mvn (Debian: maven)"; return 0; fi
    rm -rf "$home"
    local p out ok=1
    for p in server transport-netty4 analysis-common lang-painless reindex; do
      if [ "$p" = server ]; then out=$home/lib; else out=$home/modules/$p; fi
      mvn -q -B -Dstyle.color=never -f "$src/pom.xml" dependency:copy-dependencies -P "$p" -DincludeScope=runtime \
        -Dopensearch.version="$OPENSEARCH_VERSION" -DoutputDirectory="$out" >&2 || ok=0
    done
    if [ "$ok" = 0 ]; then _engine_line opensearch - "missing: Maven Central did not give OpenSearch $OPENSEARCH_VERSION"; return 0; fi
    # A module keeps only the jars the server does not already have (jar hell check).
    local m j
    for m in "$home"/modules/*; do
      for j in "$m"/*.jar; do [ -e "$home/lib/$(basename "$j")" ] && rm "$j"; done
      cp "$src/modules/$(basename "$m")"/* "$m/"
    done
    mkdir -p "$home/bin" "$home/plugins"
    touch "$home/.complete"
  fi
  mkdir -p "$var/config" "$var/data" "$var/logs" "$var/tmp"
  cp "$src"/config/* "$var/config/"
  _is_root && chown -R "$ENGINE_USER": "$var"
  (cd "$var" && _detach "$var/logs/stdout.log" java -Xms1g -Xmx1g -XX:+UseG1GC \
    -Djava.io.tmpdir="$var/tmp" -Dlog4j2.formatMsgNoLookups=true -Dio.netty.allocator.numDirectArenas=0 \
    -Djava.awt.headless=true -Dfile.encoding=UTF-8 -Dopensearch.path.home="$home" \
    -Dopensearch.path.conf="$var/config" -Dopensearch.distribution.type=tar -Dopensearch.bundled_jdk=false \
    -cp "$home/lib/*" org.opensearch.bootstrap.OpenSearch -Epath.data="$var/data" -Epath.logs="$var/logs")
  if ! _wait_http "$OPENSEARCH_URL" 120; then
    _engine_line opensearch "$OPENSEARCH_VERSION" "missing: did not answer on $OPENSEARCH_URL in 120 s (see $var/logs)"; return 0
  fi
  curl -s -m 60 "$OPENSEARCH_URL/_cluster/health?wait_for_status=yellow&timeout=50s" >/dev/null
  ENGINE_ENV+=("LUUTRU_TEST_OPENSEARCH_URL=$OPENSEARCH_URL")
  _engine_line opensearch "$OPENSEARCH_VERSION" "started $OPENSEARCH_URL"
}

# --- Elasticsearch (server and transport-netty4 from Maven Central, one node on loopback) ---
# Opt-in (LUUTRU_SETUP_ELASTICSEARCH=1): the node starts and answers, but it cannot serve
# the tests yet, so its URL is not written to .engines/env. Maven Central has the 9.x
# server, its libraries and transport-netty4, but not the distribution's tools and other
# modules; small stand-ins compiled here replace the tools (scripts/engines/elasticsearch/
# java: the start arguments server-cli sends on stdin, the entitlement agent, the
# console loader) and the three analysis-common components luutru's index uses (plugin/).
# Still missing: the reindex module (_delete_by_query; ElasticsearchIndex deletes by ids
# instead, so it needs none) and rest-root (GET / answers 405; the backend never calls it).
engine_elasticsearch() {
  if [ "${LUUTRU_SETUP_ELASTICSEARCH:-1}" != 1 ]; then
    _engine_line elasticsearch - "off: LUUTRU_SETUP_ELASTICSEARCH=0 was given (its tests then skip, or fail in CI)"
    return 0
  fi
  local home=$ENGINES_OPT/elasticsearch-$ELASTICSEARCH_VERSION var=$ENGINES_VAR/elasticsearch src=scripts/engines/elasticsearch
  local jdk
  if curl -s -m 3 -o /dev/null "$ELASTICSEARCH_URL/_cluster/health"; then
    ENGINE_ENV+=("LUUTRU_TEST_ELASTICSEARCH_URL=$ELASTICSEARCH_URL")
    _engine_line elasticsearch "$ELASTICSEARCH_VERSION" "running $ELASTICSEARCH_URL"; return 0
  fi
  jdk=$(_jdk21)
  if [ -z "$jdk" ]; then _engine_line elasticsearch - "missing: needs a JDK 21+ (ES_JAVA_HOME, or one under /usr/lib/jvm)"; return 0; fi
  if [ ! -f "$home/.complete" ]; then
    if ! command -v mvn >/dev/null 2>&1; then _engine_line elasticsearch - "missing: needs mvn (Debian: maven)"; return 0; fi
    rm -rf "$home"
    local p out ok=1 j
    for p in server transport-netty4; do
      if [ "$p" = server ]; then out=$home/lib; else out=$home/modules/$p; fi
      mvn -q -B -Dstyle.color=never -f "$src/pom.xml" dependency:copy-dependencies -P "$p" -DincludeScope=runtime \
        -Des.version="$ELASTICSEARCH_VERSION" -DoutputDirectory="$out" >&2 || ok=0
    done
    if [ "$ok" = 0 ]; then _engine_line elasticsearch - "missing: Maven Central did not give Elasticsearch $ELASTICSEARCH_VERSION"; return 0; fi
    for j in "$home"/modules/transport-netty4/*.jar; do [ -e "$home/lib/$(basename "$j")" ] && rm "$j"; done
    # The module's descriptor and entitlement policy are inside its jar.
    (cd "$home/modules/transport-netty4" && "$jdk/bin/jar" xf transport-netty4-"$ELASTICSEARCH_VERSION".jar META-INF/es-plugins &&
      mv META-INF/es-plugins/transport-netty4/* . && rm -rf META-INF)
    mkdir -p "$home/lib/entitlement-bridge" "$home/lib/entitlement-agent" "$home/lib/tools/ansi-console" \
      "$home/launcher" "$home/plugins/luutru-analysis" "$home/build"
    mv "$home"/lib/elasticsearch-entitlement-bridge-*.jar "$home/lib/entitlement-bridge/"
    local b=$home/build
    if ! { "$jdk/bin/javac" -nowarn -d "$home/launcher" -cp "$home/lib/*" "$src/java/ServerArgsWriter.java" &&
           "$jdk/bin/javac" -nowarn -d "$b/agent" "$src/java/EntitlementAgent.java" &&
           printf 'Agent-Class: EntitlementAgent\nCan-Redefine-Classes: true\nCan-Retransform-Classes: true\n' >"$b/agent.mf" &&
           "$jdk/bin/jar" cfm "$home/lib/entitlement-agent/entitlement-agent.jar" "$b/agent.mf" -C "$b/agent" . &&
           "$jdk/bin/javac" -nowarn -d "$b/ansi" "$src/java/org/elasticsearch/io/ansi/AnsiConsoleLoader.java" &&
           "$jdk/bin/jar" cf "$home/lib/tools/ansi-console/ansi-console.jar" -C "$b/ansi" . &&
           "$jdk/bin/javac" -nowarn -d "$b/analysis" -cp "$home/lib/*" "$src/plugin/vn/luutru/esnode/TestAnalysisPlugin.java" &&
           "$jdk/bin/jar" cf "$home/plugins/luutru-analysis/luutru-analysis.jar" -C "$b/analysis" .; } >&2; then
      _engine_line elasticsearch - "missing: compiling scripts/engines/elasticsearch/java or plugin failed"; return 0
    fi
    sed "s/@ES_VERSION@/$ELASTICSEARCH_VERSION/" "$src/plugin/plugin-descriptor.properties" >"$home/plugins/luutru-analysis/plugin-descriptor.properties"
    rm -rf "$b"
    touch "$home/.complete"
  fi
  mkdir -p "$var/config" "$var/data" "$var/logs" "$var/tmp"
  cp "$src"/config/* "$var/config/"
  mkdir -p "$home/bin" && install -m 755 "$src/start" "$home/bin/start"
  _is_root && chown -R "$ENGINE_USER": "$var"
  (cd "$var" && _detach "$var/logs/stdout.log" "$home/bin/start" "$home" "$var" "$jdk" 1g)
  if ! _wait_http "$ELASTICSEARCH_URL/_cluster/health" 180; then
    _engine_line elasticsearch "$ELASTICSEARCH_VERSION" "missing: did not answer on $ELASTICSEARCH_URL in 180 s (see $var/logs)"; return 0
  fi
  curl -s -m 60 "$ELASTICSEARCH_URL/_cluster/health?wait_for_status=yellow&timeout=50s" >/dev/null
  ENGINE_ENV+=("LUUTRU_TEST_ELASTICSEARCH_URL=$ELASTICSEARCH_URL")
  _engine_line elasticsearch "$ELASTICSEARCH_VERSION" "started $ELASTICSEARCH_URL"
}

# A JDK of version 21 or newer: ES_JAVA_HOME, else the newest under /usr/lib/jvm.
_jdk21() {
  local d v
  for d in ${ES_JAVA_HOME:-} $(ls -d /usr/lib/jvm/*/ 2>/dev/null | sort -rV); do
    d=${d%/}
    [ -x "$d/bin/javac" ] || continue
    v=$("$d/bin/java" -XshowSettings:properties -version 2>&1 | awk -F' = ' '/java.specification.version/{print $2}')
    if [ "${v%%.*}" -ge 21 ] 2>/dev/null; then echo "$d"; return 0; fi
  done
}

# --- SeaweedFS S3 (built with the Go toolchain from the Go module proxy) ---
engine_seaweedfs() {
  local build=$ENGINES_OPT/seaweedfs-$SEAWEEDFS_VERSION var=$ENGINES_VAR/seaweedfs
  local weed=$build/weed state=running
  if ! curl -s -m 3 -o /dev/null "$S3_ENDPOINT"; then
    if [ ! -x "$weed" ]; then
      export PATH=$PATH:/usr/local/go/bin
      if ! command -v go >/dev/null 2>&1; then _engine_line seaweedfs - "missing: needs the Go toolchain (go 1.26)"; return 0; fi
      _log "building SeaweedFS $SEAWEEDFS_VERSION with $(go version | awk '{print $3}') (several minutes on 2 cores)"
      local dir
      # The module has replace directives, so `go install mod@version` refuses it: build a copy.
      dir=$(go mod download -json "$SEAWEEDFS_MODULE@$SEAWEEDFS_VERSION" | sed -n 's/.*"Dir": "\(.*\)",*/\1/p')
      if [ -z "$dir" ] || [ ! -d "$dir" ]; then _engine_line seaweedfs - "missing: the Go module proxy did not give $SEAWEEDFS_MODULE@$SEAWEEDFS_VERSION"; return 0; fi
      rm -rf "$build.src" && cp -r "$dir" "$build.src" && chmod -R u+w "$build.src"
      if ! (cd "$build.src" && go build -o "$weed.tmp" ./weed) >&2; then
        _engine_line seaweedfs - "missing: go build of SeaweedFS failed"; return 0
      fi
      mv "$weed.tmp" "$weed" && rm -rf "$build.src"
    fi
    mkdir -p "$var/data" "$var/logs"
    cp scripts/engines/seaweedfs/s3.json scripts/engines/seaweedfs/master.toml "$var/"
    _is_root && chown -R "$ENGINE_USER": "$var"
    # A server that is still shutting down holds its ports for a while: wait for them.
    local i
    for ((i = 0; i < 30; i++)); do curl -s -m 1 -o /dev/null http://127.0.0.1:9333 || break; sleep 1; done
    (cd "$var" && _detach "$var/logs/weed.log" "$weed" server -ip=127.0.0.1 -ip.bind=127.0.0.1 \
      -dir="$var/data" -master.telemetry=false -master.volumeSizeLimitMB=1024 -volume.max=500 \
      -s3 -s3.port=8333 -s3.config="$var/s3.json")
    if ! _wait_http "$S3_ENDPOINT" 60; then
      _engine_line seaweedfs - "missing: S3 did not answer on $S3_ENDPOINT in 60 s (see $var/logs)"; return 0
    fi
    state=started
  fi
  local v
  v=$("$weed" version 2>/dev/null | awk '{print $3}')
  [ -n "$v" ] || v=$(ls -d "$ENGINES_OPT"/seaweedfs-*/weed 2>/dev/null | head -1 | xargs -r -I{} {} version | awk '{print $3}')
  if ! _s3_bucket; then _engine_line seaweedfs "${v:-?}" "missing: could not make bucket $S3_BUCKET with object lock"; return 0; fi
  ENGINE_ENV+=("LUUTRU_TEST_S3_ENDPOINT=$S3_ENDPOINT" "LUUTRU_TEST_S3_ACCESS_KEY=$S3_ACCESS_KEY"
               "LUUTRU_TEST_S3_SECRET_KEY=$S3_SECRET_KEY" "LUUTRU_TEST_S3_BUCKET=$S3_BUCKET")
  _engine_line seaweedfs "${v:-?}" "$state $S3_ENDPOINT (S3, object lock)"
}

# --- Siegfried (sf, PRONOM format identification; built with the Go toolchain) ---
# sf and roy are built from the module; roy builds the signature file (PRONOM byte and
# container signatures) from the DROID and container XML shipped in the module. The
# wrapper bin/sf runs sf with that home, so LUUTRU_SIEGFRIED=<wrapper> is all ingest needs.
engine_siegfried() {
  local home=$ENGINES_OPT/siegfried-$SIEGFRIED_VERSION state=present
  local wrapper=$home/bin/sf
  if [ ! -f "$home/data/default.sig" ] || [ ! -x "$home/libexec/sf" ]; then
    export PATH=$PATH:/usr/local/go/bin
    if ! command -v go >/dev/null 2>&1; then _engine_line siegfried - "missing: needs the Go toolchain (go 1.24 or newer)"; return 0; fi
    local dir
    # `go install mod@version` asks the proxy for the module's version list, which it refuses: build a copy.
    dir=$(go mod download -json "$SIEGFRIED_MODULE@$SIEGFRIED_VERSION" | sed -n 's/.*"Dir": "\(.*\)",*/\1/p')
    if [ -z "$dir" ] || [ ! -d "$dir" ]; then _engine_line siegfried - "missing: the Go module proxy did not give $SIEGFRIED_MODULE@$SIEGFRIED_VERSION"; return 0; fi
    rm -rf "$home.tmp" && mkdir -p "$home.tmp/libexec" && cp -r "$dir" "$home.tmp/src" && chmod -R u+w "$home.tmp/src"
    if ! (cd "$home.tmp/src" && go build -o "$home.tmp/libexec/sf" ./cmd/sf && go build -o "$home.tmp/libexec/roy" ./cmd/roy) >&2; then
      _engine_line siegfried - "missing: go build of Siegfried failed"; return 0
    fi
    cp -r "$home.tmp/src/cmd/roy/data" "$home.tmp/data" && chmod -R u+w "$home.tmp/data" && rm -rf "$home.tmp/src"
    if ! "$home.tmp/libexec/roy" build -home "$home.tmp/data" >&2; then
      _engine_line siegfried - "missing: roy build of the signature file failed"; return 0
    fi
    rm -rf "$home" && mv "$home.tmp" "$home"
    state=installed
  fi
  mkdir -p "$home/bin"
  cat >"$wrapper" <<EOF
#!/bin/sh
# Siegfried $SIEGFRIED_VERSION with the signature file built by roy, written by Lưu trữ's scripts/setup.
exec '$home/libexec/sf' -home '$home/data' -sig default.sig "\$@"
EOF
  chmod 755 "$wrapper"
  ln -sfn "$wrapper" .engines/bin/sf
  if [ -w /usr/local/bin ]; then ln -sfn "$wrapper" /usr/local/bin/sf; fi
  local v sig
  v=$("$wrapper" -version 2>/dev/null | awk '/^siegfried/{print $2; exit}')
  if [ -z "$v" ]; then _engine_line siegfried "$SIEGFRIED_VERSION" "missing: $wrapper -version failed"; return 0; fi
  sig=$("$wrapper" -version 2>/dev/null | awk '/- pronom:/{print $3; exit}' | tr -d ';')
  ENGINE_ENV+=("LUUTRU_TEST_SIEGFRIED=$wrapper")
  _engine_line siegfried "$v" "$state $wrapper ($sig)"
}

# The shared test bucket with object lock, made with boto3 from the project's venv.
_s3_bucket() {
  "$VENV_PY" - "$S3_ENDPOINT" "$S3_ACCESS_KEY" "$S3_SECRET_KEY" "$S3_BUCKET" <<'PY'
import sys, time
import boto3, botocore
ep, key, secret, bucket = sys.argv[1:]
s3 = boto3.client("s3", endpoint_url=ep, region_name="us-east-1",
                  aws_access_key_id=key, aws_secret_access_key=secret)
for attempt in range(20):  # the volume server may still be registering with the master
    try:
        try:
            s3.head_bucket(Bucket=bucket)
        except botocore.exceptions.ClientError:
            s3.create_bucket(Bucket=bucket, ObjectLockEnabledForBucket=True)
        cfg = s3.get_object_lock_configuration(Bucket=bucket)["ObjectLockConfiguration"]
        sys.exit(0 if cfg.get("ObjectLockEnabled") == "Enabled" else 1)
    except (botocore.exceptions.ClientError, botocore.exceptions.EndpointConnectionError):
        time.sleep(1)
sys.exit(1)
PY
}

# .engines/env: the URLs of the engines that answer, read by scripts/test and the tests.
engines_write_env() {
  {
    echo "# Written by scripts/setup: engines on this machine (sourced by scripts/test)."
    local e
    for e in "${ENGINE_ENV[@]}"; do echo "$e"; done
  } >.engines/env.tmp && mv .engines/env.tmp .engines/env
  printf '%s\n' "${ENGINE_LINES[@]}" >.engines/status
  printf '%s\n' "${ENGINE_LINES[@]}"
}
