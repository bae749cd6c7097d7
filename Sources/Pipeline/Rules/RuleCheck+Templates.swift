internal import Foundation
public import RuleLanguage

extension RuleCheck {
    /// `rules check` on the push templates of `Rules/templates/`: a template that does not parse
    /// is reported, and an SMS template that can render above 2 segments for some policy is a warning.
    public static func templateWarnings(rulesDirectory: String, program: Program) -> [String] {
        let directory = (rulesDirectory as NSString).appendingPathComponent("templates")
        guard FileManager.default.fileExists(atPath: directory) else { return [] }
        do {
            let templates = try PushTemplates(directory: directory)
            return templates.smsWarnings(policies: program.policies.map { (id: $0.id, title: $0.title) })
        } catch {
            return ["\(error)"]
        }
    }
}
