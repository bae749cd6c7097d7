internal import Crypto
public import Datasets
internal import Foundation
public import RuleLanguage
internal import Yams

/// One review (多部门联审): a department approved a policy's content as it was, identified by
/// the SHA-256 of its canonical text. Kept in `Rules/approvals.yaml`, committed with the rules,
/// so the review history lives in version control; entries are only ever appended.
public struct Approval: Codable, Sendable, Hashable {
    public var policy: String
    public var sha256: String
    public var department: String
    public var reviewer: String
    public var at: String
}

/// Review status, computed, never typed: 已发布 needs approvals from two departments for the
/// current content; editing the policy changes its hash and voids them.
public enum PolicyStatus: String, Sendable {
    case draft = "草稿"
    case reviewed = "已审核"
    case published = "已发布"
}

/// A compiled policy with its content hash and review status.
public struct CatalogEntry: Sendable {
    public var policy: CompiledPolicy
    public var sha256: String
    public var status: PolicyStatus
    public var departments: [String]
}

public enum RuleCatalog {
    public static func approvalsPath(_ rulesDirectory: String) -> String { rulesDirectory + "/approvals.yaml" }

    public static func loadApprovals(_ rulesDirectory: String) throws -> [Approval] {
        let path = approvalsPath(rulesDirectory)
        guard let data = FileManager.default.contents(atPath: path) else { return [] }
        guard let text = String(data: data, encoding: .utf8) else { throw RuleCheckError.notUTF8(path) }
        if text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { return [] }
        do {
            return try YAMLDecoder().decode([Approval].self, from: text)
        } catch {
            throw RuleTestError.badFile(path, String(describing: error))
        }
    }

    /// Compiles the rules and pairs each policy with its hash and status, ordered by policy id
    /// (not by folder), the order every command lists policies in.
    public static func entries(rulesDirectory: String, schemas: SchemaSet) throws -> (entries: [CatalogEntry], compiled: RuleCheck.Result, program: Program?) {
        let (result, program) = try compile(rulesDirectory: rulesDirectory, schemas: schemas)
        guard let program else { return ([], result, nil) }
        let approvals = try loadApprovals(rulesDirectory)
        let renderer = ProgramRenderer(program: program, schemas: schemas)
        let entries = program.policies.sorted { $0.id < $1.id }.map { policy in
            catalogEntry(policy, hash: sha256(renderer.canonicalText(of: policy)), approvals: approvals)
        }
        return (entries, result, program)
    }

    /// Status from the approvals of this exact content: two departments publish it.
    static func catalogEntry(_ policy: CompiledPolicy, hash: String, approvals: [Approval]) -> CatalogEntry {
        let departments = Array(Set(approvals.filter { $0.policy == policy.id && $0.sha256 == hash }.map(\.department))).sorted()
        let status: PolicyStatus = departments.count >= 2 ? .published : departments.isEmpty ? .draft : .reviewed
        return CatalogEntry(policy: policy, sha256: hash, status: status, departments: departments)
    }

    static func compile(rulesDirectory: String, schemas: SchemaSet) throws -> (RuleCheck.Result, Program?) {
        let result = try RuleCheck.run(path: rulesDirectory, schemas: schemas)
        return (result, result.program)
    }

    /// Appends an approval of the policy's current content.
    public static func approve(
        policy id: String, department: String, reviewer: String, rulesDirectory: String, schemas: SchemaSet
    ) throws -> (Approval, CatalogEntry) {
        let now = Date()
        let current = try entries(rulesDirectory: rulesDirectory, schemas: schemas)
        guard current.compiled.errorCount == 0 else { throw RuleTestError.unknownPolicy(rulesDirectory, id) }
        guard let entry = current.entries.first(where: { $0.policy.id == id }) else {
            throw RuleTestError.unknownPolicy(rulesDirectory, id)
        }
        guard entry.policy.basis != nil else { throw RuleTestError.noBasis(id) }
        // Reviewers approve tested content: its cases pass and cover every condition.
        let tests = try RuleTestRunner.run(compiled: current.compiled, testsUnder: rulesDirectory, schemas: schemas)
        let problems = tests.problems(of: id)
        guard problems.isEmpty else { throw RuleTestError.notTested(id, problems) }
        var formatter = Date.ISO8601FormatStyle()
        formatter.timeZone = TimeZone(identifier: "UTC") ?? .gmt
        let approval = Approval(policy: id, sha256: entry.sha256, department: department, reviewer: reviewer, at: now.formatted(formatter))
        var all = try loadApprovals(rulesDirectory)
        if all.contains(where: { $0.policy == id && $0.sha256 == entry.sha256 && $0.department == department }) {
            throw RuleTestError.alreadyApproved(id, department)
        }
        all.append(approval)
        let header = "# 多部门联审记录：每条审核绑定政策内容的 SHA-256；修改政策后旧的审核自动失效。只追加，不修改。\n"
        let encoder = YAMLEncoder()
        encoder.options.allowUnicode = true
        let yaml = try encoder.encode(all)
        do {
            try (header + yaml).write(toFile: approvalsPath(rulesDirectory), atomically: true, encoding: .utf8)
        } catch {
            throw RuleCheckError.unreadable(approvalsPath(rulesDirectory))
        }
        // The content did not change: only this policy's status, from the approvals now on file.
        return (approval, catalogEntry(entry.policy, hash: entry.sha256, approvals: all))
    }

    static func sha256(_ text: String) -> String {
        SHA256.hash(data: Data(text.utf8)).map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }
}
