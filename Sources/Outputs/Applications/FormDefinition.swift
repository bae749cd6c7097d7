/// An application form as an officer declares it in `Rules/forms/政策编号.form.yaml`: the fields
/// an application of that policy holds, in order, and the licences it calls up as materials.
/// An application holds only these fields (data minimisation).
public struct FormDefinition: Sendable, Hashable {
    public var policyID: String
    public var title: String
    public var fields: [FormField]
    /// 证照类型 the form calls up (营业执照, 高新技术企业证书).
    public var materials: [String]
    /// Where it was read from, for messages.
    public var file: String

    public init(policyID: String, title: String, fields: [FormField], materials: [String], file: String) {
        self.policyID = policyID
        self.title = title
        self.fields = fields
        self.materials = materials
        self.file = file
    }
}

/// One field of a form: the XML element, where its value comes from, its label and XSD type.
public struct FormField: Sendable, Hashable {
    /// Whose record the value is read from.
    public enum Source: String, Sendable, Hashable {
        /// The policy's subject (the enterprise, the resident, or the member standing for a household).
        case subject
        /// The payee (领取人): the subject itself for 本人, else the household's 户主.
        case payee
    }

    /// The XML element name.
    public var name: String
    public var source: Source
    /// The canonical schema field name (`new_graduates_hired`).
    public var field: String
    /// The label printed on the form.
    public var label: String
    /// The XSD simple type (`Count`, `MaskedIDNumber`), as `applications.xsd` declares the element.
    public var xsdType: String
    public var masked: Bool
    /// The line of the field in its form file.
    public var line: Int

    public init(name: String, source: Source, field: String, label: String, xsdType: String, masked: Bool, line: Int) {
        self.name = name
        self.source = source
        self.field = field
        self.label = label
        self.xsdType = xsdType
        self.masked = masked
        self.line = line
    }
}
