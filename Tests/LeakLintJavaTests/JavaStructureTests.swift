import Testing
import LeakLintCore
@testable import LeakLintJava

func javaFacts(_ src: String, path: String = "com/acme/A.java", interest: Set<String> = []) -> FileFacts {
    JavaFrontEnd().facts(for: SourceFile(path: path, bytes: Array(src.utf8)), interest: CallInterest(methods: interest))
}

func lineOf(_ f: FileFacts, _ src: String, _ ref: SourceRef) -> Int {
    SourceFile(path: f.path, bytes: Array(src.utf8)).position(of: ref.start).line
}

@Suite("Java structural pass")
struct JavaStructureTests {
    static let netflix = """
    package com.netflix.session;

    import java.util.Map;
    import java.util.concurrent.ConcurrentHashMap;

    public class UserSessionCache {
        private final Map<String, UserSession> cache = new ConcurrentHashMap<>();

        public void storeSession(String sessionId, UserSession session) {
            cache.put(sessionId, session); // Never evicted!
        }

        public UserSession getSession(String sessionId) {
            return cache.get(sessionId);
        }
    }
    """

    @Test func netflixSessionCache() {
        let f = javaFacts(Self.netflix)
        #expect(f.unitName == "com.netflix.session")
        #expect(f.imports == ["java.util.Map", "java.util.concurrent.ConcurrentHashMap"])
        #expect(f.types.map(\.name) == ["UserSessionCache"])
        #expect(f.types[0].methods == ["storeSession", "getSession"])
        #expect(f.containers.count == 1)
        let c = f.containers[0]
        #expect(c.symbol == SymbolRef(owner: "UserSessionCache", name: "cache"))
        #expect(c.storage == .instanceMember)
        #expect(c.kind == .map)
        #expect(c.typeText == "ConcurrentHashMap<String, UserSession>")
        #expect(c.keyType == "String")
        #expect(c.valueType == "UserSession")
        #expect(c.initializer == "new ConcurrentHashMap<>()")
        let ops = f.ops.map(\.op)
        #expect(ops == ["call:put", "call:get"])
        #expect(f.ops[0].target == c.symbol)
        #expect(f.ops[0].resolution == .field)
        #expect(f.ops[0].keyText == "sessionId")
        #expect(f.ops[0].keyType == "String")
        #expect(f.ops[0].valueText == "session")
        #expect(f.ops[0].function == "UserSessionCache.storeSession")
        #expect(f.ops[0].role == .normal)
        #expect(lineOf(f, Self.netflix, f.ops[0].at) == 10)
        #expect(f.functions.map(\.name) == ["storeSession", "getSession"])
        #expect(f.functions[0].params == [Param(name: "sessionId", type: "String"), Param(name: "session", type: "UserSession")])
    }

    /// Names are compared as Swift compares Strings (canonically equivalent spellings are one
    /// name) even though the parser looks them up by identifier id: a field declared with a
    /// precomposed `é` and written through a decomposed one is the same field.
    @Test func canonicallyEquivalentNamesAreOneName() {
        let nfc = "caf\u{E9}s", nfd = "cafe\u{301}s"
        #expect(nfc == nfd && Array(nfc.utf8) != Array(nfd.utf8))
        let f = javaFacts("""
            class A {
                static final java.util.Map<String, String> \(nfc) = new java.util.HashMap<>();
                static void add(String k) { \(nfd).put(k, k); }
            }
            """)
        #expect(f.containers.map(\.symbol.name) == [nfc])
        let put = f.ops.first { $0.op.hasSuffix("put") }
        #expect(put?.target.name == nfc)
        #expect(put?.target.owner == "A")
    }

    @Test func caffeineBuilderInitializerIsKept() {
        let src = """
        public class UserSessionCache {
            private final Cache<String, UserSession> cache = Caffeine.newBuilder()
                .maximumSize(10_000)
                .expireAfterWrite(Duration.ofMinutes(30))
                .removalListener((key, value, cause) ->
                    log.debug("Session {} removed: {}", key, cause))
                .build();
            public void storeSession(String id, UserSession s) { cache.put(id, s); }
        }
        """
        let f = javaFacts(src)
        #expect(f.containers.count == 1)
        #expect(f.containers[0].typeText == "Cache<String, UserSession>")
        #expect(f.containers[0].initializer?.hasPrefix("Caffeine.newBuilder() .maximumSize(10_000) .expireAfterWrite") == true)
        #expect(f.containers[0].initializer?.hasSuffix(".build()") == true)
        #expect(f.ops.map(\.op) == ["call:put"])
    }

    @Test func staticFieldsNestedOwnersAndCrossClassStatics() {
        let src = """
        class Registry {
            static final Map<String, Handler> HANDLERS = new HashMap<>();
            static class Inner {
                private static final List<String> LOG = new ArrayList<>();
                void add(String s) { LOG.add(s); HANDLERS.put(s, null); }
            }
        }
        class Other {
            void f() { Registry.HANDLERS.remove("x"); Registry.Inner.LOG.clear(); System.out.println("x"); }
        }
        """
        let f = javaFacts(src)
        #expect(f.types.map(\.name) == ["Registry", "Registry.Inner", "Other"])
        #expect(f.containers.map(\.symbol.display) == ["Registry.HANDLERS", "Registry.Inner.LOG"])
        #expect(f.containers.map(\.storage) == [.staticMember, .staticMember])
        #expect(f.containers[1].kind == .sequence)
        #expect(f.containers[1].valueType == "String")
        let ops = f.ops.map { "\($0.target.display) \($0.op) \($0.resolution.rawValue)" }
        #expect(ops == ["Registry.Inner.LOG call:add staticMember",
                        "Registry.HANDLERS call:put staticMember",
                        "Registry.HANDLERS call:remove staticMember"])
    }

    @Test func assignmentsIteratorsAndViews() {
        let src = """
        class Store {
            private Map<String, Long> seen = new HashMap<>();
            private static List<String> items;
            void reset() { this.seen = new HashMap<>(); }
            void swap(Map<String, Long> other) { seen = other; }
            void lazy() { if (items == null) { items = new ArrayList<>(); } items.add("a"); }
            void prune() {
                Iterator<Map.Entry<String, Long>> it = seen.entrySet().iterator();
                while (it.hasNext()) { if (it.next().getValue() < 0) it.remove(); }
                seen.keySet().removeIf(k -> k.isEmpty());
            }
            void shadow() { Map<String, Long> seen = new HashMap<>(); seen.put("a", 1L); }
        }
        """
        let f = javaFacts(src)
        let ops = f.ops.map { "\($0.function) \($0.target.name) \($0.op)\($0.guardedByEmptyCheck ? " guarded" : "")" }
        #expect(ops == [
            "Store.reset seen assign-fresh",
            "Store.swap seen assign-other",
            "Store.lazy items assign-fresh guarded",
            "Store.lazy items call:add",
            "Store.prune seen call:remove",
            "Store.prune seen call:removeIf",
        ])
        #expect(f.ops[4].inLoop)
    }

    @Test func rolesOfFunctions() {
        let src = """
        @Service
        public class Bus implements AutoCloseable {
            static final Map<String, String> NAMES = new HashMap<>();
            static { NAMES.put("a", "b"); }
            private final List<Listener> listeners = new CopyOnWriteArrayList<>();
            Bus() { listeners.add(null); }
            public void close() { listeners.clear(); }
            @PreDestroy void bye() { listeners.remove(null); }
            public static void main(String[] args) { NAMES.put("c", "d"); }
        }
        """
        let f = javaFacts(src)
        #expect(f.types[0].traits == ["annotation:Service"])
        #expect(f.types[0].superTypes == ["AutoCloseable"])
        let roles = f.ops.map { "\($0.function):\($0.role.rawValue)" }
        #expect(roles == ["Bus.<clinit>:initializer", "Bus.<init>:constructor", "Bus.close:teardown", "Bus.bye:teardown", "Bus.main:main"])
    }

    @Test func constantInitialisersAndBoundedShapes() {
        let src = """
        class K {
            static final Map<String, Integer> CODES = Map.of("a", 1, "b", 2);
            static final List<String> NAMES = Arrays.asList(A, B, Other.C);
            static final Set<String> DYN = new HashSet<>(load());
            static final Map<String, byte[]> LRU = new LinkedHashMap<>(16, 0.75f, true) {
                protected boolean removeEldestEntry(Map.Entry<String, byte[]> e) { return size() > 100; }
            };
            static final EnumMap<Color, String> E = new EnumMap<>(Color.class);
        }
        """
        let f = javaFacts(src)
        #expect(f.containers.map(\.initFromConstants) == [true, true, false, false, false])
        #expect(f.containers[3].initializer == "new LinkedHashMap<>(16, 0.75f, true) { removeEldestEntry }")
        #expect(f.containers[3].typeText == "LinkedHashMap<String, byte[]>")
        #expect(f.containers[4].typeText == "EnumMap<Color, String>")
        #expect(f.types.contains { $0.kind == "anonymous" && $0.superTypes == ["LinkedHashMap"] && $0.methods == ["removeEldestEntry"] })
    }

    @Test func singletonsAndInstances() {
        let src = """
        enum Registry { INSTANCE; private final Map<String, Object> m = new HashMap<>(); }
        class Holder { static final Service DEFAULT_SERVICE = new Service(); static final Widget W = new Widget(); }
        class Service {
            private static final Service INSTANCE = new Service();
            public static Service getInstance() { return INSTANCE; }
        }
        enum Color { RED, GREEN }
        """
        let f = javaFacts(src)
        let traits = Dictionary(uniqueKeysWithValues: f.types.map { ($0.name, $0.traits) })
        #expect(traits["Registry"] == ["enum-singleton"])
        #expect(traits["Color"] == [])
        #expect(Set(traits["Service"] ?? []) == ["static-instance", "singleton-accessor"])
        // Only singleton-looking holders and a lone self-instance count.
        #expect(f.instances.map { "\($0.typeName) \($0.variable)" } == ["Service DEFAULT_SERVICE", "Service INSTANCE"])
        #expect(f.containers.first?.symbol.display == "Registry.m")
    }

    @Test func threadLocalCallsAndFinally() {
        let src = """
        class Ctx {
            private static final ThreadLocal<User> CURRENT = new ThreadLocal<>();
            void handle(User u) {
                CURRENT.set(u);
                try { work(); } finally { CURRENT.remove(); }
            }
        }
        """
        let f = javaFacts(src)
        // A ThreadLocal is recorded as a per-thread container of kind `unknown`.
        #expect(f.containers.map(\.kind) == [.unknown])
        #expect(f.containers.first?.typeText == "ThreadLocal<User>")
        #expect(f.ops.map(\.op) == ["call:set", "call:remove"])
        let calls = f.calls.map { "\($0.callee) \($0.receiverSymbol?.display ?? "-") deferred=\($0.deferred)" }
        #expect(calls == ["CURRENT.set Ctx.CURRENT deferred=false", "CURRENT.remove Ctx.CURRENT deferred=true"])
    }

    @Test func executorsResultsAndTryWithResources() throws {
        let src = """
        class Pools {
            private final ExecutorService pool = Executors.newFixedThreadPool(4);
            private final ScheduledExecutorService injected;
            Pools(ScheduledExecutorService s) { this.injected = s; }
            void perCall(Runnable r) {
                ExecutorService ex = Executors.newSingleThreadExecutor();
                ex.submit(r);
            }
            void scoped() {
                try (var ex = Executors.newVirtualThreadPerTaskExecutor()) { ex.submit(() -> work()); }
            }
            void fire() { Executors.newCachedThreadPool().execute(this::work); }
            void stop() { pool.shutdown(); }
        }
        """
        let f = javaFacts(src)
        let created = f.calls.filter { $0.method.hasPrefix("new") }
        #expect(created.map(\.result) == [.stored(SymbolRef(owner: "Pools", name: "pool")), .bound(["ex"]), .bound(["ex"]), .discarded])
        // An instance field initialiser runs with every constructor.
        #expect(created.map(\.role) == [.constructor, .normal, .normal, .normal])
        let closes = f.calls.filter { $0.method == "close" }
        #expect(closes.count == 1 && closes[0].deferred && closes[0].receiver == "ex")
        let shutdown = f.calls.first { $0.method == "shutdown" }
        #expect(shutdown?.receiverSymbol == SymbolRef(owner: "Pools", name: "pool"))
        #expect(shutdown?.role == .teardown)
        // `ex.submit(r)` with an unknown Runnable parameter has no body to summarise: no spawn.
        try #require(f.spawns.map(\.kind) == ["submit", "execute"])
        #expect(f.spawns[1].callee == SymbolRef(owner: "Pools", name: "work"))
        #expect(f.spawns[0].body?.calls == ["work"])
        #expect(f.spawns[1].handle == .discarded)
    }

    @Test func threadsAndLoops() throws {
        let src = """
        class Workers {
            private volatile boolean running = true;
            private Thread t;
            void a() {
                new Thread(() -> { while (true) { poll(); } }).start();
            }
            void b() {
                Thread th = new Thread(() -> {
                    while (!Thread.currentThread().isInterrupted()) { poll(); }
                });
                th.setDaemon(true);
                th.start();
            }
            void c() {
                t = new Thread(new Runnable() {
                    public void run() { for (;;) { if (!running) break; poll(); } }
                });
                t.start();
            }
            void d() { new Worker().start(); }
            void e() {
                new Thread(() -> {
                    do { poll(); if (running == false) return; } while (true);
                }).start();
            }
            void poll() {}
        }
        class Worker extends Thread {
            public void run() { while (true) { try { Thread.sleep(10); } catch (InterruptedException ex) { Thread.currentThread().interrupt(); } } }
        }
        """
        let f = javaFacts(src)
        try #require(f.spawns.count == 5)
        let a = f.spawns[0]
        #expect(a.kind == "Thread" && a.handle == .discarded)
        #expect(a.body?.loops.count == 1)
        #expect(a.body?.loops.first?.endless == true)
        #expect(a.body?.loops.first?.exits == false)
        #expect(a.body?.loops.first?.signals == [])
        let b = f.spawns[1]
        #expect(b.handle == .bound(["th"]))
        #expect(b.body?.loops.first?.endless == false)
        #expect(b.body?.loops.first?.signals == ["Thread.currentThread().isInterrupted()"])
        // c: anonymous Runnable stored in a field, started later.
        let anon = f.spawns.first { $0.function == "Workers.c" }
        #expect(anon?.callee == SymbolRef(owner: "Workers$1", name: "run"))
        #expect(anon?.handle == .stored(SymbolRef(owner: "Workers", name: "t")))
        let run1 = f.functions.first { $0.owner == "Workers$1" && $0.name == "run" }
        #expect(run1?.body.loops.first?.endless == true)
        #expect(run1?.body.loops.first?.exits == true)
        #expect(run1?.body.loops.first?.signals == ["running"])
        let d = f.spawns.first { $0.function == "Workers.d" }
        #expect(d?.callee == SymbolRef(owner: "Worker", name: "run"))
        let e = f.spawns.first { $0.function == "Workers.e" }
        #expect(e?.body?.loops.first?.endless == true)
        #expect(e?.body?.loops.first?.exits == true)
        let workerRun = f.functions.first { $0.owner == "Worker" && $0.name == "run" }
        #expect(workerRun?.body.loops.first?.endless == true)
        #expect(workerRun?.body.loops.first?.exits == false)
    }

    @Test func listenersAndShutdownHooks() {
        let src = """
        class Screen {
            private final Model model;
            Screen(Model m) { this.model = m; model.addChangeListener(this::refresh); }
            void open() { Runtime.getRuntime().addShutdownHook(new Thread(() -> save())); bus.register(this); }
            void dispose() { bus.unregister(this); }
        }
        """
        let f = javaFacts(src)
        let calls = f.calls.map { "\($0.method) \($0.receiver ?? "-") \($0.args.joined(separator: ",")) \($0.role.rawValue)" }
        #expect(calls == [
            "addChangeListener model this::refresh constructor",
            "addShutdownHook Runtime.getRuntime() new Thread(() -> save()) normal",
            "register bus this normal",
            "unregister bus this teardown",
        ])
        // The shutdown-hook thread is handed over, not started here.
        #expect(f.spawns.isEmpty)
    }

    @Test func suppressionsTargetLines() {
        let src = """
        class S {
            // leaklint:ignore java/unbounded-static-map -- filled once at start-up
            static final Map<String, String> A = new HashMap<>();
            static final Map<String, String> B = new HashMap<>(); // leaklint:ignore java/unbounded-static-map -- bounded by enum
        }
        """
        let f = javaFacts(src)
        #expect(f.suppressions.map(\.targetLine) == [2, 3])
        #expect(f.suppressions[0].rules == ["java/unbounded-static-map"])
        #expect(f.suppressions[1].reason == "bounded by enum")
    }

    @Test func recordsInterfacesAndGenerics() {
        let src = """
        public record Point(int x, int y) implements Comparable<Point> {
            static final Map<Point, String> NAMES = new ConcurrentHashMap<>();
            public int compareTo(Point o) { return x < o.x ? -1 : x > o.y ? 1 : 0; }
        }
        interface Constants { List<String> ALL = new ArrayList<>(); }
        class G<T extends Comparable<? super T>> {
            <R> R map(Function<? super T, ? extends R> fn) { return null; }
            boolean less(int a, int b) { return a < b && b > a; }
        }
        """
        let f = javaFacts(src)
        #expect(f.types.map(\.name) == ["Point", "Constants", "G"])
        #expect(f.types[0].kind == "record")
        #expect(f.types[0].superTypes == ["Comparable<Point>"])
        #expect(f.containers.map(\.storage) == [.staticMember, .staticMember])
        #expect(f.functions.map(\.name) == ["compareTo", "map", "less"])
    }

    @Test func callInterestAddsCalls() {
        let src = "class A { void f() { x.frobnicate(1); y.other(); } }"
        #expect(javaFacts(src).calls.isEmpty)
        #expect(javaFacts(src, interest: ["frobnicate"]).calls.map(\.method) == ["frobnicate"])
    }

    @Test func executorConstructorsAndInterruptPropagation() {
        let src = """
        class T {
            private final ExecutorService ex = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, q);
            void a(BlockingQueue<String> q) {
                new Thread(() -> { try { while (true) { q.take(); } } catch (InterruptedException e) { } }).start();
            }
            void b(BlockingQueue<String> q) {
                new Thread(() -> { while (true) { try { q.take(); } catch (InterruptedException e) { } } }).start();
            }
        }
        """
        let f = javaFacts(src)
        let ctor = f.calls.first { $0.callee == "new ThreadPoolExecutor" }
        #expect(ctor?.result == .stored(SymbolRef(owner: "T", name: "ex")))
        #expect(f.spawns.count == 2)
        #expect(f.spawns.first?.body?.loops.first?.signals == ["InterruptedException"])
        #expect(f.spawns.last?.body?.loops.first?.signals == [])
    }

    @Test func typesafeEnumConstructorsRunAtInitAndEscapes() {
        let src = """
        class Block {
            private static final Map<String, Block> MAP = new HashMap<>();
            public static final Block A = new Block("a");
            public static final Block B = new Block("b");
            private Block(String n) { MAP.put(n, this); }
        }
        class Pools {
            ExecutorService make() { ExecutorService e = Executors.newFixedThreadPool(2); return e; }
            void cast() { this.t = (ScheduledThreadPoolExecutor) Executors.newScheduledThreadPool(1); }
            private Object t;
        }
        class Gate {
            private static final ThreadLocal<Object> G = new ThreadLocal<>();
            void run() { G.set(G); try { work(); } finally { G.set(null); } }
        }
        """
        let f = javaFacts(src)
        #expect(f.ops.first { $0.target.name == "MAP" }?.role == .initializer)
        // Two self-instances with a non-public constructor: a typesafe enum, not a singleton.
        #expect(f.instances.isEmpty)
        let made = f.calls.filter { $0.method.hasPrefix("new") }.map(\.result)
        #expect(made == [.escapes, .stored(SymbolRef(owner: "Pools", name: "t"))])
        #expect(f.ops.filter { $0.target.name == "G" }.map(\.op) == ["call:set", "index-set-nil"])
    }

    @Test func finallyOpsInitialiserRangeAndImportAnchor() {
        let src = """
        package p;

        import java.util.Map;
        import java.util.HashMap;

        class Gate {
            private static final ThreadLocal<Object> G = new ThreadLocal<>();
            private static final Map<String, Integer> M = new HashMap<>();
            void run() { G.set(G); work(); G.remove(); try { work(); } finally { G.remove(); } }
        }
        """
        let f = javaFacts(src)
        let removes = f.ops.filter { $0.target.name == "G" && $0.op == "call:remove" }
        #expect(removes.map(\.deferred) == [false, true])
        let m = f.containers.first { $0.symbol.name == "M" }
        #expect(m?.declaredType == "Map<String, Integer>")
        let bytes = Array(src.utf8)
        if let r = m?.initializerAt {
            #expect(String(decoding: bytes[r.start..<r.end], as: UTF8.self) == "new HashMap<>()")
        } else { Issue.record("no initialiser range") }
        let anchor = try? #require(f.importAnchor)
        #expect(anchor.map { String(decoding: bytes[..<$0], as: UTF8.self).hasSuffix("import java.util.HashMap;") } == true)
    }

    /// Calls inside lambdas and method references run later: `lit:` calls, which no call-graph
    /// propagation follows; a switch rule's arrow is no lambda, its calls run now.
    @Test func lambdaCallsAreFunctionLiteralCalls() {
        let f = javaFacts("""
        class A {
            A(Bus bus, String kind) {
                bus.on(e -> seen(e), x);
                bus.on(e -> { heard(e); while (true) { spin(); } });
                bus.on(this::named);
                switch (kind) {
                    case "a", "b" -> first(kind);
                    default -> { second(kind); }
                }
                direct();
            }
        }
        """)
        let ctor = f.functions.first { $0.name == "A" || $0.name == "<init>" }
        #expect(ctor?.body.calls == ["lit:seen", "lit:heard", "lit:spin", "lit:named", "first", "second", "direct"])
        // The lambda's loop is not the constructor's.
        #expect(ctor?.body.loops.isEmpty == true)
    }
}
