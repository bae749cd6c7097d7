public import Datasets
public import Evaluation
public import RuleLanguage
public import Store

/// The nightly engine: the columns the program reads, loaded once from the store, evaluated
/// column-wise on all cores (`ColumnarEngine`) into the same raw `BatchResult` the oracle gives
/// (`ReferenceBatch`), which `BatchRun` then decides and stores.
public enum ColumnarBatch: BatchEngine {
    public static let engineVersion = "columnar-1"

    public static func evaluate(
        policies: [CompiledPolicy], program: Program, store: ProfileStore, asOf: Day,
        progress: ((_ subject: String, _ evaluated: Int) -> Void)? = nil
    ) throws -> BatchResult {
        let columns = try store.loadColumns(ColumnarEngine.columnRequest(program: program, policies: policies))
        return ColumnarEngine(program: program).evaluate(policies: policies, columns: columns, asOf: asOf)
    }
}
