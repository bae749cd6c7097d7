public import Datasets

/// What the names of a rule set mean: shared conditions, facts and parameters from every
/// file, the data fields of each schema, the collections of related records. The checker
/// reports what does not resolve; the lowering to a program then relies on every name resolving.
public struct NameTable: Sendable {
    public let schemas: SchemaSet
    public internal(set) var conditions: [String: (ConditionDecl, SourceFile)] = [:]
    public internal(set) var facts: [String: (FactDecl, SourceFile)] = [:]
    public internal(set) var parameters: [String: (ParameterDecl, SourceFile)] = [:]

    public static let collections: [String: DatasetKind] = ["家庭成员": .residents, "证照": .licences]
    /// The built-in name of the evaluation date.
    public static let asOfName = "评估日"
    /// The built-in name of a policy's own amount, readable in its conditions.
    public static let ownAmountName = "本项金额"

    /// The schema a policy's subject (对象) reads: 企业 → enterprises; 居民 and 家庭 → residents
    /// (a household policy reads its members as residents); nil for an unknown word.
    public static func subjectKind(_ word: String?) -> DatasetKind? {
        switch word {
        case "企业": .enterprises
        case "居民", "家庭": .residents
        default: nil
        }
    }

    /// What a bare name stands for.
    public enum Resolution {
        case localCondition(ConditionDecl)
        case sharedCondition(ConditionDecl, SourceFile)
        case fact(FactDecl, SourceFile)
        case parameter(ParameterDecl)
        case collection(DatasetKind)
        case field(DatasetKind, FieldSpec)
    }

    public init(schemas: SchemaSet) {
        self.schemas = schemas
    }

    /// Resolves `text` for a policy on `subject` (nil: every schema) with its own conditions.
    public func resolve(_ text: String, subject: DatasetKind?, local: [String: ConditionDecl]) -> Resolution? {
        if let condition = local[text] { return .localCondition(condition) }
        if let (condition, file) = conditions[text] { return .sharedCondition(condition, file) }
        if let (fact, file) = facts[text] { return .fact(fact, file) }
        if let (parameter, _) = parameters[text] { return .parameter(parameter) }
        if let kind = Self.collections[text] { return .collection(kind) }
        for kind in Self.kinds(subject) {
            if let spec = Self.field(text, in: schemas[kind]) { return .field(kind, spec) }
        }
        return nil
    }

    /// Every name that could have been meant, for "did you mean".
    public func candidates(subject: DatasetKind?, local: [String: ConditionDecl]) -> [String] {
        var names = Array(conditions.keys) + Array(facts.keys) + Array(parameters.keys) + Array(local.keys) + [Self.asOfName, Self.ownAmountName]
        for kind in Self.kinds(subject) { names += schemas[kind].fields.flatMap { [$0.label] + $0.aliases } }
        return names
    }

    static func kinds(_ subject: DatasetKind?) -> [DatasetKind] {
        subject.map { [$0] } ?? [.residents, .enterprises]
    }

    /// The field behind an input key of an evaluation: an own field of `subject` by canonical
    /// name, or `集合.field_name` of related records, with the label to show (`证照.有效期至`).
    public static func input(_ key: String, subject: DatasetKind, schemas: SchemaSet) -> (label: String, spec: FieldSpec?) {
        let parts = key.split(separator: ".", maxSplits: 1).map(String.init)
        if parts.count == 2, let kind = collections[parts[0]] {
            let spec = schemas[kind].fields.first { $0.name == parts[1] }
            return ("\(parts[0]).\(spec?.label ?? parts[1])", spec)
        }
        let spec = schemas[subject].fields.first { $0.name == key }
        return (spec?.label ?? key, spec)
    }

    public static func field(_ text: String, in schema: Schema) -> FieldSpec? {
        schema.fields.first { $0.name == text || $0.label == text || $0.aliases.contains(text) }
    }
}
