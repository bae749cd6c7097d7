public import Datasets
internal import Evaluation
public import RuleLanguage
public import Store

/// The nightly engine: the columns the program reads, loaded once from the store, evaluated
/// column-wise on all cores (`ColumnarEngine`) into the same raw `BatchResult` the oracle gives
/// (`ReferenceBatch`), which `BatchRun` then decides and stores.
public enum ColumnarBatch: BatchEngine {
    public static let engineVersion = "columnar-1"

    public static func evaluate(
        policies: [CompiledPolicy], program: Program, store: ProfileStore, asOf: Day,
        progress: ((_ subject: String, _ evaluated: Int) -> Void)? = nil, timing: PhaseTiming? = nil
    ) throws -> EngineOutput {
        let columns = try store.loadColumns(ColumnarEngine.columnRequest(program: program, policies: policies))
        timing?.lap("装载数据列")
        defer { timing?.lap("列式计算") }
        return EngineOutput(
            result: ColumnarEngine(program: program).evaluate(policies: policies, columns: columns, asOf: asOf),
            orderKeys: ColumnarEngine.grantOrderKeys(policies, columns: columns),
            columns: columns
        )
    }
}
