internal import Crypto
internal import Dispatch
internal import Foundation

/// SHA-256 of a byte stream hashed on a second thread while the stream is still being written:
/// at 1 M residents the results CSV is about 340 MB, and building it and hashing it took about
/// the same time each on one core (0.2 s); side by side they take the longer of the two.
/// The writer hands its full buffers over (`exchange`) rather than having them copied (the copy
/// was half the writer's time, and the writer was the slower side). At most `depth` pieces
/// wait, so memory stays at a few megabytes.
final class HashPipe: @unchecked Sendable {
    private let condition = NSCondition()
    /// Full buffers of `LineBuffer.standardCapacity` bytes, with their byte counts.
    private var pieces: [(UnsafeMutablePointer<UInt8>, Int)] = []
    /// Hashed buffers, for the writer to fill again.
    private var spare: [UnsafeMutablePointer<UInt8>] = []
    private var finished = false
    private var hasher = SHA256()
    private let depth = 8
    private let group = DispatchGroup()

    /// The consumer has a thread of its own (a dispatch worker may not be free: see `BackgroundTask`).
    init() {
        group.enter()
        Thread {
            self.consume()
            self.group.leave()
        }.start()
    }

    /// Takes over `buffer` (holding `count` bytes, allocated with `LineBuffer.standardCapacity`)
    /// and returns one of the same size to go on writing in; waits while `depth` pieces are queued.
    func exchange(_ buffer: UnsafeMutablePointer<UInt8>, count: Int) -> UnsafeMutablePointer<UInt8> {
        condition.lock()
        while pieces.count >= depth { condition.wait() }
        pieces.append((buffer, count))
        let next = spare.popLast()
        condition.signal()
        condition.unlock()
        return next ?? .allocate(capacity: LineBuffer.standardCapacity)
    }

    /// Queues a copy of `bytes` (a piece that is not a standard buffer).
    func push(_ bytes: UnsafeRawBufferPointer) {
        var offset = 0
        while offset < bytes.count {
            let buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: LineBuffer.standardCapacity)
            let count = min(LineBuffer.standardCapacity, bytes.count - offset)
            if let base = bytes.baseAddress { buffer.initialize(from: base.assumingMemoryBound(to: UInt8.self) + offset, count: count) }
            offset += count
            let returned = exchange(buffer, count: count)
            returned.deallocate()
        }
    }

    /// The digest of everything handed over.
    func finish() -> SHA256.Digest {
        condition.lock()
        finished = true
        condition.broadcast()
        condition.unlock()
        group.wait()
        for buffer in spare { buffer.deallocate() }
        spare.removeAll()
        return hasher.finalize()
    }

    private func consume() {
        while true {
            condition.lock()
            while pieces.isEmpty && !finished { condition.wait() }
            if pieces.isEmpty {
                condition.unlock()
                return
            }
            let (buffer, count) = pieces.removeFirst()
            condition.broadcast()
            condition.unlock()
            hasher.update(bufferPointer: UnsafeRawBufferPointer(start: buffer, count: count))
            condition.lock()
            spare.append(buffer)
            condition.unlock()
        }
    }
}
