internal import Datasets
internal import Diagnostics
internal import Foundation
internal import Outputs
internal import Yams

/// Reads one form file, recording every problem with its line.
struct FormReader {
    let file: String
    let schemas: SchemaSet
    let xsd: ApplicationSchema
    /// 对象 by policy id, for the 依申请 policies a form may be for.
    let subjects: [String: String]
    private(set) var problems: [FormProblem] = []

    static let keys = ["policy", "title", "fields", "materials"]
    static let fieldKeys = ["name", "fact", "label", "type", "masked"]
    static let payeePrefix = "领取人."

    init(file: String, schemas: SchemaSet, xsd: ApplicationSchema, subjects: [String: String]) {
        self.file = file
        self.schemas = schemas
        self.xsd = xsd
        self.subjects = subjects
    }

    mutating func read(_ text: String) -> FormDefinition? {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch {
            problem(1, nil, "YAML 格式错误：\(error)")
            return nil
        }
        guard let root, let mapping = root.mapping else {
            problem(1, nil, "应为键值对：policy、title、fields、materials。")
            return nil
        }
        unknownKeys(mapping, allowed: Self.keys, field: nil)
        guard let policyNode = mapping["policy"], let policy = policyNode.string, !policy.isEmpty else {
            problem(1, nil, "缺少 policy（政策编号）。")
            return nil
        }
        let policyLine = line(policyNode)
        if (file as NSString).lastPathComponent != policy + FormLoader.suffix {
            problem(policyLine, nil, "文件名应为 \(policy)\(FormLoader.suffix)（与 policy 一致）。")
        }
        guard let subject = subjects[policy] else {
            problem(policyLine, nil, "政策 \(policy) 不是规则库中依申请办理的政策" + Suggest.didYouMean(policy, among: subjects.keys.sorted()))
            return nil
        }
        let title = mapping["title"]?.string ?? ""
        if title.isEmpty { problem(policyLine, nil, "缺少 title（申请表名称）。") }
        let declared = xsd.forms[policy]
        if declared == nil {
            problem(policyLine, nil, "\(FormLoader.xsdName) 中没有 complexType Form.\(policy)：新增申请表时在 XSD 中为它声明字段及类型。")
        }
        guard let fieldsNode = mapping["fields"], let items = fieldsNode.sequence, !items.isEmpty else {
            problem(mapping["fields"].map(line) ?? policyLine, nil, "缺少 fields（申请表的字段，至少一项）。")
            return nil
        }
        var fields: [FormField] = []
        for item in items {
            if let field = readField(item, subject: subject) { fields.append(field) }
        }
        var seen: Set<String> = []
        for field in fields where !seen.insert(field.name).inserted {
            problem(field.line, field.name, "字段名重复。")
        }
        // Compared only when every field was read: a field already reported would show again as missing.
        if let declared, fields.count == items.count { compare(fields, with: declared, policy: policy, line: line(fieldsNode)) }
        let materials = readMaterials(mapping["materials"])
        return FormDefinition(policyID: policy, title: title, fields: fields, materials: materials, file: file)
    }

    private mutating func readField(_ node: Node, subject: String) -> FormField? {
        let at = line(node)
        guard let mapping = node.mapping else {
            problem(at, nil, "每个字段应为键值对：name、fact、label、type、masked。")
            return nil
        }
        unknownKeys(mapping, allowed: Self.fieldKeys, field: mapping["name"]?.string)
        guard let name = mapping["name"]?.string, Self.isXMLName(name) else {
            problem(at, mapping["name"]?.string, "name 应为 XML 元素名（字母或下划线开头，只含字母、数字、_、-、.）。")
            return nil
        }
        guard let fact = mapping["fact"]?.string, !fact.isEmpty else {
            problem(at, name, "缺少 fact（取自哪项档案数据）。")
            return nil
        }
        let payee = fact.hasPrefix(Self.payeePrefix)
        let wanted = payee ? String(fact.dropFirst(Self.payeePrefix.count)) : fact
        // The payee of a 企业 policy is the enterprise; of a person or household, a resident.
        let kind: DatasetKind = subject == "企业" ? .enterprises : .residents
        let schema = schemas[kind]
        guard let spec = schema.fields.first(where: { $0.name == wanted || $0.label == wanted || $0.aliases.contains(wanted) }) else {
            let whose = payee ? "领取人（\(kind == .enterprises ? "企业" : "居民")）" : "政策对象（\(subject)）"
            problem(
                line(mapping["fact"] ?? node), name,
                "fact “\(fact)”不是\(whose)的数据字段" + Suggest.didYouMean(wanted, among: schema.fields.map(\.label))
            )
            return nil
        }
        guard let type = mapping["type"]?.string else {
            problem(at, name, "缺少 type（\(FormLoader.xsdName) 中的类型，如 Text、Date、Count）。")
            return nil
        }
        if !xsd.simpleTypes.contains(type) {
            problem(
                line(mapping["type"] ?? node), name,
                "type “\(type)”不是 \(FormLoader.xsdName) 中的类型" + Suggest.didYouMean(type, among: xsd.simpleTypes.sorted())
            )
        }
        var masked = false
        if let node = mapping["masked"] {
            guard let value = node.bool else {
                problem(line(node), name, "masked 应为 true 或 false。")
                return nil
            }
            masked = value
            if masked, spec.masking == nil {
                problem(line(node), name, "\(spec.label)不是个人信息（身份证号、姓名、电话），不能脱敏。")
            }
        }
        return FormField(
            name: name, source: payee ? .payee : .subject, field: spec.name, label: mapping["label"]?.string ?? spec.label,
            xsdType: type, masked: masked, line: at
        )
    }

    /// The form's fields and the XSD's `Form.ID` elements: same names, same order, same types.
    private mutating func compare(_ fields: [FormField], with declared: [ApplicationSchema.DeclaredField], policy: String, line: Int) {
        var previous = -1
        for field in fields {
            guard let position = declared.firstIndex(where: { $0.name == field.name }) else {
                problem(field.line, field.name, "\(FormLoader.xsdName) 的 Form.\(policy) 中没有元素 \(field.name)。")
                continue
            }
            let element = declared[position]
            // A type the XSD does not define is reported once, where it is read.
            if element.type != field.xsdType, xsd.simpleTypes.contains(field.xsdType) {
                problem(field.line, field.name, "type 为 \(field.xsdType)，而 \(FormLoader.xsdName) 的 Form.\(policy) 中该元素的类型为 \(element.type)。")
            }
            if position < previous {
                problem(field.line, field.name, "应排在 \(declared[previous].name) 之前（\(FormLoader.xsdName) 的 Form.\(policy) 中的顺序）。")
            }
            previous = max(previous, position)
        }
        for element in declared where !fields.contains(where: { $0.name == element.name }) {
            problem(line, nil, "\(FormLoader.xsdName) 的 Form.\(policy) 声明了元素 \(element.name)，本文件的 fields 中没有。")
        }
    }

    private mutating func readMaterials(_ node: Node?) -> [String] {
        guard let node else { return [] }
        guard let items = node.sequence else {
            problem(line(node), nil, "materials 应为证照类型的列表。")
            return []
        }
        let known = schemas.licences.fields.first { $0.name == "license_type" }.flatMap { spec -> [String]? in
            if case .enumeration(let values) = spec.type { values } else { nil }
        } ?? []
        var out: [String] = []
        for item in items {
            guard let type = item.string, known.contains(type) else {
                problem(line(item), nil, "materials 中的“\(item.string ?? "")”不是电子证照的证照类型" + Suggest.didYouMean(item.string ?? "", among: known))
                continue
            }
            out.append(type)
        }
        return out
    }

    private mutating func unknownKeys(_ mapping: Node.Mapping, allowed: [String], field: String?) {
        for (key, _) in mapping {
            guard let name = key.string, !allowed.contains(name) else { continue }
            problem(line(key), field, "不认识的键 “\(name)”；可用的键：\(allowed.joined(separator: "、"))" + Suggest.didYouMean(name, among: allowed))
        }
    }

    private mutating func problem(_ line: Int, _ field: String?, _ message: String) {
        problems.append(FormProblem(file: file, line: line, field: field, message: message))
    }

    private func line(_ node: Node) -> Int { node.mark?.line ?? 0 }

    static func isXMLName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first == "_" || (first.isASCII && first.properties.isAlphabetic) else { return false }
        return name.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "_-.".unicodeScalars.contains($0)) }
    }
}
