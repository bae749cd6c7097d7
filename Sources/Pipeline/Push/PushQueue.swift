internal import Crypto
internal import Datasets
internal import Evaluation
internal import Foundation
internal import Outputs
public import RuleLanguage
public import Store

/// `mianshen push queue`: a run's benefit items for the night, as digests in the outbox. Items
/// already told (same amount and status) are left out; a payee's items of one night make one
/// digest per channel; all of the night's digests are written in one store transaction.
public enum PushQueue {
    public struct Summary: Sendable, Equatable {
        public var night = ""
        public var items = 0
        /// Items already told with the same amount and status.
        public var alreadyTold = 0
        public var queued = 0
        /// Digests for payees without a contact on any channel (see `push outreach`).
        public var offline = 0
        /// Payees whose consent_push is 否.
        public var refused = 0
        /// Payees who opted out (imported list or 回T).
        public var optedOut = 0
        /// Payees whose consent_push is empty (messaged unless `unknown_consent = "hold"`).
        public var unknownConsent = 0
        /// Items whose 户主 / 监护人 payee the data does not give.
        public var withoutPayee = 0
    }

    /// Queues the night of `clock.now` from `run`. Running it again for the same night writes nothing new.
    /// `rules` (the current catalog) lets a licence reminder name its licence (see `PushItems`).
    public static func queue(
        run: LoadedRun, store: ProfileStore, templates: PushTemplates, clock: PushClock,
        rules: (entries: [CatalogEntry], program: Program)? = nil
    ) throws -> Summary {
        guard !run.record.includeDrafts else { throw PushError("运行 \(run.record.id) 含草稿政策（试算），不推送。") }
        var summary = Summary()
        summary.night = clock.night
        let collected = try PushItems.collect(run: run, store: store, rules: rules)
        summary.withoutPayee = collected.withoutPayee
        summary.alreadyTold = collected.alreadyTold
        summary.items = collected.items.count
        let contacts = try PushContacts.read(payees: Set(collected.items.map(\.payee)), store: store)
        let optedOut = try store.optedOut()
        var drafts: [PushDraft] = []
        let byPayee = Dictionary(grouping: collected.items, by: \.payee)
        for payee in byPayee.keys.sorted(by: { ($0.kind.rawValue, $0.id) < ($1.kind.rawValue, $1.id) }) {
            let entries = (byPayee[payee] ?? []).sorted { $0.item.key < $1.item.key }
            let contact = contacts[payee] ?? PushContacts.Contact()
            if contact.consent == false { summary.refused += 1; continue }
            if optedOut.contains(payee.id) || contact.addresses.values.contains(where: optedOut.contains) { summary.optedOut += 1; continue }
            if contact.consent == nil {
                summary.unknownConsent += 1
                if clock.settings.unknownConsent == "hold" { continue }
            }
            let channels = clock.settings.channels.filter { contact.addresses[$0] != nil && templates.supports($0) }
            let lines = entries.map(\.line)
            let items = entries.map(\.item)
            if channels.isEmpty {
                // No contact on file: kept for offline outreach (rendered as a letter would be: the app text).
                let channel = "offline"
                drafts.append(PushDraft(
                    key: digestKey(payee: payee.id, channel: channel, night: clock.night, items: items), night: clock.night, payeeID: payee.id,
                    channel: channel, address: nil, body: lines.map { "\($0.title)（\($0.kind)）" }.joined(separator: "；"), status: "offline", items: items
                ))
                continue
            }
            for channel in channels {
                // SMS and email carry a person's masked name; the app (a signed-in account) the full
                // name. A firm's name is not personal data.
                let name = channel == "app" || payee.kind == .enterprises ? contact.name : Masking.maskName(contact.name)
                drafts.append(PushDraft(
                    key: digestKey(payee: payee.id, channel: channel, night: clock.night, items: items), night: clock.night, payeeID: payee.id,
                    channel: channel, address: contact.addresses[channel], body: templates.digest(name: name, lines: lines, channel: channel),
                    status: "queued", items: items
                ))
            }
        }
        // Every digest is new (its items were not told yet): one transaction writes them with the
        // status changes that need no message.
        try store.queuePush(drafts, remembering: collected.silent, night: clock.night, at: clock.nowText)
        summary.offline = drafts.filter { $0.status == "offline" }.count
        summary.queued = drafts.count - summary.offline
        return summary
    }

    /// SHA-256 (hex) of the payee, the channel, the night and the sorted item keys, one per line.
    public static func digestKey(payee: String, channel: String, night: String, items: [PushItem]) -> String {
        let text = ([payee, channel, night] + items.map(\.key).sorted()).joined(separator: "\n")
        return Hex.lowercase(SHA256.hash(data: Array(text.utf8)))
    }
}
