import Foundation
import LeakLintCore
@testable import LeakLintEngine
import Testing

/// What the Java rules decide beyond "a finding on this line": severities and complete fix
/// edits. (Positives and negatives per line live in fixtures/java.)
@Suite struct JavaRulesTests {
    func scan(_ files: [String: String]) throws -> ScanResult {
        let dir = TestSupport.tempDir()
        defer { TestSupport.remove(dir) }
        for (rel, text) in files { TestSupport.write(dir, rel, text) }
        return try LeakLintEngine.Scanner(options: ScanOptions(paths: [dir], jobs: 2)).run()
    }

    @Test func weakHashMapIsANoteUnlessTheValueReachesTheKey() throws {
        let r = try scan(["W.java": """
        import java.util.*;
        class W {
            static final Map<Object, String> NAMES = new WeakHashMap<>();
            static final Map<Object, Object> PINNED = new WeakHashMap<>();
            static final Map<Object, Object> LAMBDA = new WeakHashMap<>();
            static void a(Object o) { NAMES.put(o, o.toString().trim()); }
            static void b(Object key) { PINNED.put(key, List.of(key)); }
            static Object c(Object k) { return LAMBDA.computeIfAbsent(k, x -> new Object[] { x }); }
        }
        """])
        let sev = Dictionary(uniqueKeysWithValues: r.findings.filter { $0.ruleID == "java/unbounded-static-map" }
            .map { ($0.symbol, $0.severity) })
        // `o.toString()` mentions `o`, but NAMES.put's value is computed from it, not holding it:
        // the word test is conservative and keeps a warning there too.
        #expect(sev["W.NAMES"] == .warning)
        #expect(sev["W.PINNED"] == .warning)
        #expect(sev["W.LAMBDA"] == .warning)
        let r2 = try scan(["V.java": """
        import java.util.*;
        class V {
            static final Map<Object, String> NAMES = new WeakHashMap<>();
            static void a(Object o, String label) { NAMES.put(o, label); }
        }
        """])
        let note = try #require(r2.findings.first { $0.symbol == "V.NAMES" })
        #expect(note.severity == .note)
        #expect(note.message.contains("weak keys"))
    }

    @Test func caffeineEditKeepsTheMapTypeAndAddsImportsOnce() throws {
        let src = """
        package p;

        import java.util.Map;
        import java.util.concurrent.ConcurrentHashMap;

        class SessionCache {
            private final Map<String, Long> a = new ConcurrentHashMap<>();
            private final Map<String, Integer> b = new ConcurrentHashMap<String, Integer>();
            private final ConcurrentHashMap<String, Long> c = new ConcurrentHashMap<>();
            private final Map<String, ? extends Number> d = new ConcurrentHashMap<>();
            void put(String sessionId) { a.put(sessionId, 1L); b.put(sessionId, 1); c.put(sessionId, 1L); }
        }
        """
        let r = try scan(["SessionCache.java": src])
        func edits(_ symbol: String) -> [TextEdit] { r.findings.first { $0.symbol == symbol }?.fix?.edits ?? [] }
        let a = edits("SessionCache.a")
        #expect(a.count == 2)
        #expect(a.first?.replacement == "Caffeine.newBuilder().maximumSize(10_000).expireAfterAccess(Duration.ofMinutes(10)).<String, Long>build().asMap()")
        #expect(a.last?.replacement == "\nimport com.github.benmanes.caffeine.cache.Caffeine;\nimport java.time.Duration;")
        // The import edit is identical across findings of one file, so the applier writes it once.
        #expect(edits("SessionCache.b").last == a.last)
        // A concrete declared type would not accept the asMap() view: text fix only.
        #expect(edits("SessionCache.c").isEmpty)
        #expect(r.findings.first { $0.symbol == "SessionCache.c" }?.fix != nil)
        #expect(edits("SessionCache.d").isEmpty)
    }

    @Test func caffeineEditSpellsOutANameTheFileAlreadyUses() throws {
        let r = try scan(["Clock.java": """
        import java.util.*;
        class Clock {
            static final Map<String, Duration> LAST = new HashMap<>();
            static void mark(String sessionId, Duration d) { LAST.put(sessionId, d); }
        }
        class Duration {}
        """])
        let e = try #require(r.findings.first { $0.symbol == "Clock.LAST" }?.fix?.edits)
        #expect(e.first?.replacement.contains("expireAfterAccess(java.time.Duration.ofMinutes(10)).<String, Duration>build()") == true)
        #expect(e.last?.replacement == "\nimport com.github.benmanes.caffeine.cache.Caffeine;")
    }

    @Test func aPeriodicTaskOnAReportedExecutorIsARelatedLocationOfItsFinding() throws {
        let r = try scan(["P.java": """
        import java.util.concurrent.*;
        final class Poller {
            private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
            void start() {
                timer.scheduleWithFixedDelay(this::poll, 0, 10, TimeUnit.SECONDS);
            }
            void local() {
                ScheduledExecutorService s = Executors.newScheduledThreadPool(1);
                s.scheduleAtFixedRate(this::poll, 0, 1, TimeUnit.SECONDS);
            }
            void shared() {
                Shared.POOL.scheduleAtFixedRate(this::poll, 0, 1, TimeUnit.SECONDS);
            }
            void poll() {}
        }
        final class Shared {
            static final ScheduledExecutorService POOL = Executors.newScheduledThreadPool(1);
        }
        """])
        let f = r.findings.filter { $0.ruleID == "java/executor-never-shutdown" }
        // The field's executor and the local one, each with its task; the task on an executor
        // created once in a static initialiser stays a finding of its own.
        #expect(f.map(\.location.region.startLine) == [3, 8, 12])
        #expect(f[0].related.contains { $0.location.region.startLine == 5 && $0.message.contains("periodic task") })
        #expect(f[1].related.contains { $0.location.region.startLine == 9 && $0.message.contains("periodic task") })
        #expect(!f[2].related.contains { $0.message.contains("periodic task") })
        // The suggested code names the field, not `Poller.timer`.
        #expect(f[0].fix?.snippet.contains("timer.shutdown();") == true)
        #expect(f[0].fix?.snippet.contains("Poller.timer") == false)
    }

    @Test func poolsWhoseThreadsAllTimeOutAreNotes() throws {
        let r = try scan(["Pools.java": """
        import java.util.concurrent.*;
        final class Pools {
            private final ExecutorService cached = Executors.newCachedThreadPool();
            private final ExecutorService zeroCore = new ThreadPoolExecutor(0, 4, 60L, TimeUnit.SECONDS, new SynchronousQueue<>());
            private final ExecutorService oneCore = new ThreadPoolExecutor(1, 4, 60L, TimeUnit.SECONDS, new SynchronousQueue<>());
            private final ThreadPoolExecutor timingOut = new ThreadPoolExecutor(2, 2, 30L, TimeUnit.SECONDS, new LinkedBlockingQueue<>());
            private final ThreadPoolExecutor pinned = new ThreadPoolExecutor(2, 2, 30L, TimeUnit.SECONDS, new LinkedBlockingQueue<>());
            private final ExecutorService fixed = Executors.newFixedThreadPool(4);
            Pools() {
                timingOut.allowCoreThreadTimeOut(true);
                pinned.allowCoreThreadTimeOut(false);
            }
            void local(Runnable r) {
                ThreadPoolExecutor p = new ThreadPoolExecutor(2, 2, 1L, TimeUnit.SECONDS, new LinkedBlockingQueue<>());
                p.allowCoreThreadTimeOut(true);
                p.execute(r);
            }
        }
        """])
        let f = r.findings.filter { $0.ruleID == "java/executor-never-shutdown" }
        let byLine = Dictionary(uniqueKeysWithValues: f.map { ($0.location.region.startLine, $0.severity) })
        #expect(byLine[3] == .note)      // cached pool: no core threads
        #expect(byLine[4] == .note)      // core size 0
        #expect(byLine[5] == .warning)   // one core thread that never times out
        #expect(byLine[6] == .note)      // allowCoreThreadTimeOut(true) on the field
        #expect(byLine[7] == .warning)   // allowCoreThreadTimeOut(false)
        #expect(byLine[8] == .warning)
        #expect(byLine[14] == .note)     // a local given allowCoreThreadTimeOut(true)
        #expect(f.first { $0.location.region.startLine == 3 }?.message.contains("exit once idle") == true)
        #expect(f.first { $0.location.region.startLine == 5 }?.message.contains("exit once idle") == false)
    }
}
