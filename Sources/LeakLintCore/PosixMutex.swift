#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A pthread mutex (Core has no Foundation, so no NSLock).
public final class PosixMutex: @unchecked Sendable {
    private let m: UnsafeMutablePointer<pthread_mutex_t>

    public init() {
        m = .allocate(capacity: 1)
        m.initialize(to: pthread_mutex_t())
        pthread_mutex_init(m, nil)
    }

    public func withLock<T>(_ body: () throws -> T) rethrows -> T {
        pthread_mutex_lock(m)
        defer { pthread_mutex_unlock(m) }
        return try body()
    }

    deinit {
        pthread_mutex_destroy(m)
        m.deinitialize(count: 1)
        m.deallocate()
    }
}
