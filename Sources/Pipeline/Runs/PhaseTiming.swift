internal import Foundation

/// Wall-clock time per phase of a run (`mianshen run --timing`): each `lap` closes the phase
/// that began at the previous lap (or at creation) under the given name.
public final class PhaseTiming {
    public private(set) var phases: [(name: String, seconds: Double)] = []
    private var last = ContinuousClock.now

    public init() {}

    public func lap(_ name: String) {
        let now = ContinuousClock.now
        let elapsed = now - last
        phases.append((name, Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18))
        last = now
    }

    /// `装载数据列 3.91 s` per line, then the total.
    public var text: String {
        let lines = phases.map { String(format: "%@ %.2f s", $0.name, $0.seconds) }
        return (lines + [String(format: "合计 %.2f s", phases.reduce(0) { $0 + $1.seconds })]).joined(separator: "\n")
    }
}
