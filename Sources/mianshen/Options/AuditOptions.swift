import ArgumentParser
import Foundation
import Pipeline
import Store
#if canImport(Glibc)
import Glibc
#endif

/// `--operator` and `--purpose`: who uses personal data and why, for the audit log (全程留痕).
/// Part of `MaskingOptions`, and on its own on commands that export or import without masking.
struct AuditOptions: ParsableArguments {
    @Option(name: .customLong("operator"), help: ArgumentHelp("经办人，记入审计日志（默认为操作系统用户名）。", valueName: "NAME"))
    var operatorName: String?

    @Option(name: .long, help: ArgumentHelp("使用个人信息的目的，记入审计日志（加 --unmask 时必填）。", valueName: "TEXT"))
    var purpose: String?

    /// `--operator`, else the OS user (login name of the real uid, else $USER, else the uid).
    var resolvedOperator: String {
        if let operatorName, !operatorName.isEmpty { return operatorName }
        return Self.systemUser
    }

    static var systemUser: String {
        if let entry = getpwuid(getuid()), let name = entry.pointee.pw_name { return String(cString: name) }
        return ProcessInfo.processInfo.environment["USER"] ?? "uid \(getuid())"
    }

    /// Appends one audit entry for this command.
    func record(_ store: ProfileStore, command: String, scope: AuditScope, unmasked: Bool = false) throws {
        try AuditLog(store: store).record(
            operator: resolvedOperator, command: command, scope: scope, purpose: purpose, unmasked: unmasked
        )
    }
}
