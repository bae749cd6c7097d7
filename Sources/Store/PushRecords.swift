/// One benefit item of a push: (entity, policy, benefit period, kind), with the amount and
/// status it was told with. `topic` groups the kinds that replace each other in dedup
/// (资金: 新资格 / 金额变化 / 申请待确认; 证照: 证照到期).
public struct PushItem: Sendable, Hashable {
    public var entityID: String
    public var policyID: String
    public var period: String
    public var kind: String
    public var topic: String
    public var amountFen: Int64?
    public var status: String

    public init(entityID: String, policyID: String, period: String, kind: String, topic: String, amountFen: Int64?, status: String) {
        self.entityID = entityID
        self.policyID = policyID
        self.period = period
        self.kind = kind
        self.topic = topic
        self.amountFen = amountFen
        self.status = status
    }

    /// `entity|policy|period|kind`: the item key digests are keyed by.
    public var key: String { "\(entityID)|\(policyID)|\(period)|\(kind)" }
    /// What dedup remembers it by.
    public var toldKey: PushToldKey { PushToldKey(entityID: entityID, policyID: policyID, period: period, topic: topic) }
}

public struct PushToldKey: Sendable, Hashable {
    public var entityID: String
    public var policyID: String
    public var period: String
    public var topic: String

    public init(entityID: String, policyID: String, period: String, topic: String) {
        self.entityID = entityID
        self.policyID = policyID
        self.period = period
        self.topic = topic
    }
}

/// What an item was last told with.
public struct PushTold: Sendable, Equatable {
    public var amountFen: Int64?
    public var status: String

    public init(amountFen: Int64?, status: String) {
        self.amountFen = amountFen
        self.status = status
    }
}

/// A digest to write into the outbox: `status` is `queued`, or `offline` (no contact on file).
public struct PushDraft: Sendable {
    public var key: String
    public var night: String
    public var payeeID: String
    public var channel: String
    public var address: String?
    public var body: String
    public var status: String
    public var items: [PushItem]

    public init(key: String, night: String, payeeID: String, channel: String, address: String?, body: String, status: String, items: [PushItem]) {
        self.key = key
        self.night = night
        self.payeeID = payeeID
        self.channel = channel
        self.address = address
        self.body = body
        self.status = status
        self.items = items
    }
}

/// A message of the outbox as stored.
public struct PushMessage: Sendable, Equatable {
    public var id: Int64
    public var key: String
    public var night: String
    public var payeeID: String
    public var channel: String
    public var address: String?
    public var body: String
    public var status: String
    public var attempts: Int
    public var reason: String?
    public var createdAt: String
}

/// One status change of a message.
public struct PushHistoryEntry: Sendable, Equatable {
    public var status: String
    public var time: String
    public var note: String?
}

/// An opt-out: a phone number or an ID number (证件号) that asked for no messages.
public struct PushOptOut: Sendable {
    public var address: String
    /// 名单 (an imported list) or 回T (a reply file).
    public var source: String
    public var file: String
    public var line: Int

    public init(address: String, source: String, file: String, line: Int) {
        self.address = address
        self.source = source
        self.file = file
        self.line = line
    }
}
