internal import Datasets
internal import Store

/// The records an application is filled from: the subject's (an enterprise, a resident, or the
/// member standing for a household), the payee's, and the licences the subject holds.
struct ApplicationRecords {
    var subject: [String: FieldValue]?
    var payee: [String: FieldValue]?
    var licences: [[String: FieldValue]]

    /// 本人: the subject; 户主 / 监护人: the household's 户主 (the data record no guardian, so
    /// the 户主 receives for a minor, as `results --wide` shows).
    static func read(id: String, subject: String, payee: String?, store: ProfileStore) throws -> ApplicationRecords {
        let found: StoredEntity?
        if subject == "家庭" {
            found = try store.householdEntity(id: id)
        } else {
            found = try store.entity(key: id)?.entity
        }
        // Gone, or retired (注销/迁出) by a full extract since the run: nothing to fill a form from.
        guard let found, found.active else { return ApplicationRecords(subject: nil, payee: nil, licences: []) }
        let head = subject == "居民" && (payee ?? "本人") != "本人" ? found.household.first : nil
        return ApplicationRecords(subject: found.fields, payee: head ?? found.fields, licences: found.licences ?? [])
    }
}
