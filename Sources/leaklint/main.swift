#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// leaklint's own entry point, so swift-argument-parser's exit codes map onto ours:
// 0 clean (and --help / --version), 1 findings at/above --fail-on, 2 could not run.
exit(CLI.run(Array(CommandLine.arguments.dropFirst())))
