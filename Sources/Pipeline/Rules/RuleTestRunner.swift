public import Datasets
public import Diagnostics
internal import Evaluation
internal import Foundation
internal import RuleLanguage

/// `rules test`: compiles the rules under a path and runs every `*.test.yaml` beside them with
/// the reference evaluator. Reports each failing case with expected vs actual and every
/// condition's value, and which conditions no test ever saw true or false (coverage).
public enum RuleTestRunner {
    public struct Failure: Sendable {
        public var policy: String
        public var file: String
        public var testCase: String
        public var messages: [String]
        /// Each condition: label, value and the inputs it read.
        public var conditions: [String]
    }

    public struct Report: Sendable {
        public var cases = 0
        public var failures: [Failure] = []
        /// Conditions (policy: label) never seen 是, or never seen 否, in any case.
        public var neverTrue: [String] = []
        public var neverFalse: [String] = []
        /// Conditions that read a field which may be missing, yet no case made them 未知.
        public var neverUnknown: [String] = []
        public var conditionCount = 0
        /// Conditions (policy: label) that can be unknown because a field they read may be missing.
        public var unknowable: [String] = []
        /// The policies that have a test file, with the number of cases each.
        public var casesPerPolicy: [String: Int] = [:]
        /// Policies that no test file covers.
        public var untested: [String] = []

        /// What stops `policy` from being approved: failing cases, no tests, or coverage gaps.
        public func problems(of policy: String) -> [String] {
            var out: [String] = []
            let failed = failures.filter { $0.policy == policy }.count
            if failed > 0 { out.append("\(failed) 个用例失败") }
            if untested.contains(policy) { out.append("没有测试") }
            let prefix = policy + "："
            let gaps = [("从未为“是”", neverTrue), ("从未为“否”", neverFalse), ("没有“未知”用例", neverUnknown)]
            for (what, keys) in gaps {
                let labels = keys.filter { $0.hasPrefix(prefix) }.map { String($0.dropFirst(prefix.count)) }
                if !labels.isEmpty { out.append("条件\(what)：\(labels.joined(separator: "、"))") }
            }
            return out
        }

        /// Every condition seen 是 and 否, every unknowable one seen 未知, every policy tested.
        public var coverageComplete: Bool {
            neverTrue.isEmpty && neverFalse.isEmpty && neverUnknown.isEmpty && untested.isEmpty
        }
        public var diagnostics: [Diagnostic] = []
        public var sources: [String: String] = [:]
    }

    public static func run(path: String, shared: String? = nil, schemas: SchemaSet) throws -> Report {
        try run(compiled: RuleCheck.run(path: path, shared: shared, schemas: schemas), testsUnder: path, schemas: schemas)
    }

    /// The tests under `path` against rules already compiled (approve has them compiled once).
    public static func run(compiled check: RuleCheck.Result, testsUnder path: String, schemas: SchemaSet) throws -> Report {
        var report = Report()
        report.sources = check.sources
        guard let program = check.program else {
            report.diagnostics = check.diagnostics
            return report
        }
        let evaluator = ReferenceEvaluator(program: program)
        var seen: [String: Set<Truth>] = [:]
        for file in try testFiles(under: path) {
            let tests = try RuleTestFile.load(path: file)
            guard let policy = program.policy(tests.policy) else {
                throw RuleTestError.unknownPolicy(file, tests.policy)
            }
            let subject = NameTable.subjectKind(policy.subject) ?? .residents
            for testCase in tests.cases {
                report.cases += 1
                report.casesPerPolicy[policy.id, default: 0] += 1
                guard let asOf = Day.parse(testCase.as_of) else {
                    report.failures.append(Failure(policy: policy.id, file: file, testCase: testCase.name, messages: ["as_of “\(testCase.as_of)”不是有效日期"], conditions: []))
                    continue
                }
                var problems: [String] = []
                let entity = EntityFacts(
                    fields: facts(testCase.entity, schemas[subject], &problems),
                    related: [
                        .residents: (testCase.members ?? []).map { facts($0, schemas.residents, &problems) },
                        .licences: (testCase.licences ?? []).map { facts($0, schemas.licences, &problems) },
                    ]
                )
                guard let result = evaluator.evaluate(policy: policy.id, for: entity, asOf: asOf) else { continue }
                for condition in result.conditions where condition.name != PolicyEvaluation.validityCondition {
                    seen["\(policy.id)：\(condition.label)", default: []].insert(condition.value)
                }
                let outcomes = ["符合", "不符合", "待人工复核"]
                if !outcomes.contains(testCase.expect.outcome) {
                    problems.append("expect.outcome “\(testCase.expect.outcome)”无效：只能是 \(outcomes.joined(separator: "、"))")
                } else if result.outcome.rawValue != testCase.expect.outcome {
                    problems.append("结果：期望 \(testCase.expect.outcome)，实际 \(result.outcome.rawValue)")
                }
                if let expected = testCase.expect.amount?.text, !sameAmount(expected, result.amount) {
                    problems.append("金额：期望 \(expected)，实际 \(result.amount ?? "无")")
                }
                if let failing = testCase.expect.failing,
                   !result.conditions.contains(where: { ($0.name == failing || $0.label == failing) && $0.value == .no }) {
                    problems.append("期望条件“\(failing)”不满足，实际并非如此")
                }
                if !problems.isEmpty {
                    report.failures.append(Failure(
                        policy: policy.id, file: file, testCase: testCase.name, messages: problems,
                        conditions: result.conditions.map { c in
                            let inputs = c.inputs.map { input in
                                let label = NameTable.input(input.field, subject: subject, schemas: schemas).label
                                return "\(label)=\(input.value.isEmpty ? "未知" : input.value)"
                            }.joined(separator: "，")
                            return "\(c.label)：\(c.value.rawValue)（\(inputs)）"
                        }
                    ))
                }
            }
        }
        for policy in program.policies {
            if report.casesPerPolicy[policy.id] == nil { report.untested.append(policy.id) }
            let subject = NameTable.subjectKind(policy.subject) ?? .residents
            var analysis = UnknownAnalysis(program: program, subject: subject, schemas: schemas)
            for condition in policy.conditions {
                let key = "\(policy.id)：\(condition.label)"
                let values = seen[key] ?? []
                report.conditionCount += 1
                if !values.contains(.yes) { report.neverTrue.append(key) }
                if !values.contains(.no) { report.neverFalse.append(key) }
                if analysis.canBeUnknown(condition.node) {
                    report.unknowable.append(key)
                    if !values.contains(.unknown) { report.neverUnknown.append(key) }
                }
            }
        }
        return report
    }

    /// Whether a condition reading these fields (own, or `集合.field` of related records) can be
    /// 未知: some field is optional and its empty cell means unknown rather than a stated value.
    static func canBeUnknown(_ reads: [String], subject: DatasetKind, schemas: SchemaSet) -> Bool {
        reads.contains { read in
            let parts = read.split(separator: ".", maxSplits: 1).map(String.init)
            let kind = parts.count == 2 ? NameTable.collections[parts[0]] ?? subject : subject
            let name = parts.last ?? read
            guard let index = schemas[kind].index(of: name) else { return false }
            let field = schemas[kind].fields[index]
            return !field.required && !field.empty.alwaysKnown
        }
    }

    static func testFiles(under path: String) throws -> [String] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { throw RuleCheckError.notFound(path) }
        if !isDirectory.boolValue {
            let sibling = (path as NSString).deletingPathExtension + ".test.yaml"
            return FileManager.default.fileExists(atPath: sibling) ? [sibling] : []
        }
        let names = FileManager.default.enumerator(atPath: path)?.compactMap { $0 as? String } ?? []
        return names.filter { $0.hasSuffix(".test.yaml") }.sorted().map { (path as NSString).appendingPathComponent($0) }
    }

    /// Test inputs by field name, label or alias, typed as the schema says.
    static func facts(_ raw: [String: ScalarString], _ schema: Schema, _ problems: inout [String]) -> [String: FieldValue] {
        var out: [String: FieldValue] = [:]
        for (name, scalar) in raw.sorted(by: { $0.key < $1.key }) {
            guard let field = NameTable.field(name, in: schema) else {
                problems.append("输入中的“\(name)”不是\(schema.label)的字段")
                continue
            }
            if scalar.text.isEmpty {
                out[field.name] = .null
            } else if let value = FieldTypeParsing.literal(scalar.text, type: field.type) {
                out[field.name] = value
            } else {
                problems.append("输入 \(name) = “\(scalar.text)”不是\(field.label)的合法值")
            }
        }
        return out
    }

    static func sameAmount(_ expected: String, _ actual: String?) -> Bool {
        guard let actual, let a = Decimal(string: actual), let e = Decimal(string: expected) else { return false }
        return a == e
    }
}

public enum RuleTestError: CategorizedError, CustomStringConvertible {
    case badFile(String, String)
    case unknownPolicy(String, String)
    case noBasis(String)
    case alreadyApproved(String, String)
    case notTested(String, [String])

    public var category: ErrorCategory { .inputRejected }

    public var description: String {
        switch self {
        case .badFile(let path, let reason): "规则测试文件 \(path) 格式有误：\(reason)"
        case .unknownPolicy(let path, let id): "\(path) 中没有编号为 \(id) 的政策，或规则未通过编译"
        case .noBasis(let id): "政策 \(id) 没有写依据（文件名、文号、条款），不能审核发布"
        case .notTested(let id, let problems): "政策 \(id) 的测试不完整，不能审核：\(problems.joined(separator: "；"))。先运行 mianshen rules test 补齐用例"
        case .alreadyApproved(let id, let department): "\(department) 已审核过政策 \(id) 的当前内容；发布还需要另一个部门审核"
        }
    }
}
