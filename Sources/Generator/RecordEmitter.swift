import Datasets

/// What the three makers share when a record leaves them: maybe corrupt it, write it, and
/// book it (empty-value counts, and the manifest line when it was corrupted).
protocol RecordEmitter: AnyObject {
    var schema: Schema { get }
    var writer: RecordWriter { get }
    var tally: FileTally { get set }
    var record: RecordBuffer { get }
    var dice: CorruptionDice { get }
}

extension RecordEmitter {
    /// Writes the current record — first corrupted by `corrupt` when the dice pick `index` —
    /// and books it. Returns true when it went out clean.
    func emitCurrent(
        index: Int, corrupt: (inout SplitMix64) -> (FormatDamage, (field: Int, reason: ReasonCode)?)
    ) throws -> Bool {
        var damage = FormatDamage.none
        var problem: (field: Int, reason: ReasonCode)?
        if var random = dice.roll(index) {
            (damage, problem) = corrupt(&random)
        }
        tally.count(record)
        let line = try writer.write(record, damage: damage)
        guard let problem else { return true }
        tally.corrupt(line: line, field: problem.field, reason: problem.reason, schema: schema)
        return false
    }
}
