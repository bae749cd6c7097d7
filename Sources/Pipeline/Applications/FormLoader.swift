public import Datasets
internal import Diagnostics
internal import Foundation
public import Outputs
internal import Yams

/// Reads `Rules/forms/*.form.yaml` against the data schemas and `applications.xsd`. Every
/// mistake is collected with its file, line and field: a key that is not known, a fact that no
/// schema field has, a type the XSD does not define or that differs from the XSD's element, a
/// 证照类型 the licence schema does not list.
public enum FormLoader {
    public static let xsdName = "applications.xsd"
    public static let suffix = ".form.yaml"

    /// The forms in `directory` by policy id, with the compiled XSD. `subjects` gives the
    /// 对象 (居民, 家庭, 企业) of every policy a form may be for; a form for another policy is an error.
    public static func load(
        directory: String, schemas: SchemaSet, subjects: [String: String]
    ) throws -> (forms: [String: FormDefinition], schema: ApplicationSchema) {
        let xsdPath = directory + "/" + xsdName
        guard let xsd = FileManager.default.contents(atPath: xsdPath) else {
            throw FormError(problems: [FormProblem(file: xsdPath, line: 0, message: "找不到申请表的 XSD。")])
        }
        let schema = try ApplicationSchema(xsd: xsd, file: xsdPath)
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter { $0.hasSuffix(suffix) }.sorted()
        var forms: [String: FormDefinition] = [:]
        var problems: [FormProblem] = []
        for name in names {
            let path = directory + "/" + name
            guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
                problems.append(FormProblem(file: path, line: 0, message: "无法读取，或不是 UTF-8 编码。"))
                continue
            }
            var reader = FormReader(file: path, schemas: schemas, xsd: schema, subjects: subjects)
            if let form = reader.read(text), reader.problems.isEmpty {
                forms[form.policyID] = form
            }
            problems += reader.problems
        }
        guard problems.isEmpty else {
            throw FormError(problems: problems.sorted { ($0.file, $0.line) < ($1.file, $1.line) })
        }
        return (forms, schema)
    }
}
