#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import LeakLintCore

/// Runs work on a fresh thread with a large stack and waits for it.
///
/// swift-syntax's parser caps bracket nesting, but some constructs recurse once per token
/// without brackets (`else if` ladders, `try try …`, `(A) -> (B) -> …` function types,
/// `A<B<…>>` generics), so a hostile or generated file can need a stack proportional to its
/// size. The stack is reserved, not committed: only the pages a parse touches cost memory.
enum LargeStack {
    /// Stack to reserve for parsing `fileBytes` bytes: generous per byte, within fixed bounds.
    static func size(forFileBytes fileBytes: Int) -> Int {
        let perByte = 2_048
        let lo = 64 << 20, hi = 8 << 30
        let (want, overflow) = fileBytes.multipliedReportingOverflow(by: perByte)
        return overflow ? hi : min(hi, max(lo, want))
    }

    private final class Job: @unchecked Sendable {
        let work: () -> Void
        init(_ work: @escaping () -> Void) { self.work = work }
    }

    /// Stacks of the smallest size (`size(forFileBytes:)`'s lower bound: most files) are mapped
    /// once and reused from a pool, so a file costs no mmap/munmap of its thread's stack and no
    /// page faults on the pages earlier parses touched. Each sits above a `PROT_NONE` guard.
    static let pooledBytes = 64 << 20
    static let guardBytes = 64 << 10

    private final class Pool: @unchecked Sendable {
        private let mutex = PosixMutex()
        private var free: [UnsafeMutableRawPointer] = []

        /// A stack region (its guard page first), or nil when none can be mapped.
        func take() -> UnsafeMutableRawPointer? {
            if let r = mutex.withLock({ free.popLast() }) { return r }
            guard let r = mmap(nil, LargeStack.guardBytes + LargeStack.pooledBytes, PROT_READ | PROT_WRITE,
                               MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0), r != MAP_FAILED else { return nil }
            guard mprotect(r, LargeStack.guardBytes, PROT_NONE) == 0 else {
                munmap(r, LargeStack.guardBytes + LargeStack.pooledBytes)
                return nil
            }
            return r
        }

        func give(_ r: UnsafeMutableRawPointer) {
            mutex.withLock { free.append(r) }
        }
    }

    private static let pool = Pool()

    /// Runs `work` on a thread with `stackBytes` of stack; runs it inline when no thread can be made.
    static func run(stackBytes: Int, _ work: @escaping () -> Void) {
        var attr = pthread_attr_t()
        guard pthread_attr_init(&attr) == 0 else { work(); return }
        defer { pthread_attr_destroy(&attr) }
        var region: UnsafeMutableRawPointer? = nil
        #if os(Linux)
        if stackBytes <= pooledBytes, let r = pool.take() {
            if pthread_attr_setstack(&attr, r + guardBytes, pooledBytes) == 0 { region = r } else { pool.give(r) }
        }
        #endif
        defer { if let region { pool.give(region) } }
        guard region != nil || pthread_attr_setstacksize(&attr, stackBytes) == 0 else { work(); return }
        let job = Unmanaged.passRetained(Job(work))
        #if canImport(Darwin)
        var thread: pthread_t? = nil
        #else
        var thread = pthread_t()
        #endif
        let rc = pthread_create(&thread, &attr, { raw in
            guard let raw else { return nil }
            let job = Unmanaged<Job>.fromOpaque(raw).takeRetainedValue()
            job.work()
            return nil
        }, job.toOpaque())
        guard rc == 0 else {
            job.release()
            work()
            return
        }
        #if canImport(Darwin)
        if let thread { pthread_join(thread, nil) }
        #else
        pthread_join(thread, nil)
        #endif
    }
}
