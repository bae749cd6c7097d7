public import Diagnostics

/// A mistake in a form definition (`Rules/forms/*.form.yaml`): the file, the line, the field
/// (its `name`, when the mistake is in one) and what to change. Forms are configuration an
/// officer edits, so these reject the input.
public struct FormProblem: Sendable, Hashable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var field: String?
    public var message: String

    public var description: String {
        "\(file):\(line): " + (field.map { "字段 \($0)：" } ?? "") + message
    }
}

/// Every problem found in the forms, sorted by file and line.
public struct FormError: Error, CategorizedError, CustomStringConvertible {
    public var problems: [FormProblem]

    public var category: ErrorCategory { .inputRejected }

    public var description: String {
        "申请表定义有误（\(problems.count) 处）：\n" + problems.map { "  " + $0.description }.joined(separator: "\n")
    }
}
