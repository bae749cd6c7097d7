internal import Datasets
internal import Store

/// What the store holds to reach a payee. Channels mean, for our data: `sms` the mobile on file
/// (residents.phone, enterprises.contact_phone); `email` an `email` field and `app` an
/// `app_account` field where a schema has them (ours have neither today, so those channels find
/// no contact until a schema adds the field).
enum PushContacts {
    struct Contact {
        var name = ""
        /// consent_push: true, false (否), nil (empty: unknown).
        var consent: Bool?
        /// By channel.
        var addresses: [String: String] = [:]
    }

    static let fields: [DatasetKind: [String: String]] = [
        .residents: ["sms": "phone", "email": "email", "app": "app_account"],
        .enterprises: ["sms": "contact_phone", "email": "email", "app": "app_account"],
    ]

    static func read(payees: Set<PushItems.Payee>, store: ProfileStore) throws -> [PushItems.Payee: Contact] {
        var out: [PushItems.Payee: Contact] = [:]
        for kind in [DatasetKind.residents, .enterprises] {
            let ids = payees.filter { $0.kind == kind }.map(\.id).sorted()
            guard !ids.isEmpty else { continue }
            let schema = store.schemas[kind]
            func column(_ field: String) throws -> [FieldValue?] {
                guard schema.index(of: field) != nil else { return Array(repeating: nil, count: ids.count) }
                return try store.fieldValues(kind, field: field, alignedTo: ids)
            }
            let names = try column("name")
            let consents = try column("consent_push")
            var addresses: [String: [FieldValue?]] = [:]
            for (channel, field) in fields[kind] ?? [:] { addresses[channel] = try column(field) }
            for (index, id) in ids.enumerated() {
                var contact = Contact()
                if case .text(let name)? = names[index] { contact.name = name }
                if case .bool(let consent)? = consents[index] { contact.consent = consent }
                for (channel, values) in addresses {
                    // SMS needs a mobile: a landline on file is no SMS contact.
                    guard case .text(let address)? = values[index], !address.isEmpty else { continue }
                    if channel == "sms", !PhoneNumber.isMobile(address) { continue }
                    contact.addresses[channel] = address
                }
                out[PushItems.Payee(kind: kind, id: id)] = contact
            }
        }
        return out
    }
}
