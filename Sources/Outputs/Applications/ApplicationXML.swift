internal import Datasets
public import Foundation

/// An application as XML (format `OutputsFormat.version`), written with libxml2's
/// xmlTextWriter; `ApplicationSchema` validates it against `Rules/forms/applications.xsd`.
public enum ApplicationXML {
    static let xsiNamespace = "http://www.w3.org/2001/XMLSchema-instance"

    /// nil if libxml2 failed to write (out of memory).
    public static func render(_ app: Application) -> Data? {
        guard let w = XMLTextWriter() else { return nil }
        w.start("application")
        w.attribute("format", OutputsFormat.version)
        w.attribute("xmlns:xsi", xsiNamespace)
        w.element("number", app.number)
        w.start("policy")
        w.attribute("id", app.policy.id)
        w.element("title", app.policy.title)
        w.element("department", app.policy.department)
        w.element("basis", app.policy.basis)
        w.end()
        w.element("period", app.period)
        w.element("asOf", app.asOf.description)
        party(w, "applicant", app.applicant)
        party(w, "payee", app.payee)
        w.start("form")
        w.start(app.form.policyID)
        for filled in app.fields {
            w.start(filled.field.name)
            if let value = filled.value { w.text(value) } else { w.attribute("xsi:nil", "true") }
            w.end()
        }
        w.end()
        w.end()
        w.element("amount", app.amount)
        w.element("calculation", app.calculation.joined(separator: "；"))
        w.start("conditions")
        for condition in app.conditions {
            w.start("condition")
            w.element("label", condition.label)
            w.element("basis", condition.basis)
            w.end()
        }
        w.end()
        w.start("materials")
        for material in app.materials {
            w.start("material")
            w.attribute("status", material.status.rawValue)
            w.element("type", material.type)
            w.element("number", material.number)
            w.element("issued", material.issued?.description)
            w.element("expires", material.expires?.description)
            w.element("daysLeft", material.daysLeft.map(String.init))
            w.end()
        }
        w.end()
        w.end()
        return w.finish()
    }

    private static func party(_ w: XMLTextWriter, _ element: String, _ party: Application.Party) {
        w.start(element)
        w.attribute("kind", party.kind)
        w.element("id", party.id)
        w.element("name", party.name)
        w.end()
    }
}
