public import Datasets
public import Diagnostics

/// The whole front end: lex → parse → resolve and check → program. Stops before the next
/// stage when one has errors (later stages would only add follow-on noise), and always
/// returns every diagnostic found, sorted by position.
public enum RuleCompiler {
    public struct Output: Sendable {
        /// nil when there were errors.
        public var program: Program?
        public var diagnostics: [Diagnostic]
    }

    public static func compile(_ sources: [SourceFile], schemas: SchemaSet) -> Output {
        var files: [RuleFile] = []
        var diagnostics: [Diagnostic] = []
        for source in sources {
            var parser = Parser(source: source)
            files.append(parser.parse())
            diagnostics += parser.diagnostics.sorted
        }
        guard !diagnostics.contains(where: { $0.severity == .error }) else { return Output(program: nil, diagnostics: diagnostics) }
        var checker = Checker(schemas: schemas)
        checker.check(files)
        diagnostics = checker.diagnostics.sorted
        guard !diagnostics.contains(where: { $0.severity == .error }) else { return Output(program: nil, diagnostics: diagnostics) }
        var lowering = Lowering(names: checker.names)
        return Output(program: lowering.lower(files), diagnostics: diagnostics)
    }
}
