# Sourced by ./mvnw and .ci/run: when JAVA_HOME (or the default java) is older than JDK 25, look for
# an installed JDK 25+ in the usual places and export JAVA_HOME to it. A JDK 25 already chosen wins.
uring_java_major() {
  "$1" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {split($2, v, "."); print v[1]; exit}'
}
uring_select_jdk() {
  _java="${JAVA_HOME:+$JAVA_HOME/bin/java}"
  _java="${_java:-$(command -v java 2>/dev/null || true)}"
  if [ -n "$_java" ] && [ "$(uring_java_major "$_java")" -ge 25 ] 2>/dev/null; then
    return 0
  fi
  for _candidate in /usr/lib/jvm/* /usr/java/* /opt/java/* /opt/jdk* "$HOME"/.sdkman/candidates/java/* "$HOME"/.jdks/*; do
    if [ -x "$_candidate/bin/java" ] && [ "$(uring_java_major "$_candidate/bin/java")" -ge 25 ] 2>/dev/null; then
      export JAVA_HOME="$_candidate"
      return 0
    fi
  done
  echo "reactive-uring needs JDK 25 or newer: set JAVA_HOME to one" >&2
}
uring_select_jdk
