/// What changed since the previous run, per policy (as `mianshen diff` counts it).
public struct Comparison: Sendable {
    public struct Line: Sendable {
        public var policyID: String
        public var title: String
        public var inPrevious: Bool
        public var inCurrent: Bool
        public var newlyEligible: Int
        public var noLongerEligible: Int
        public var amountChanged: Int

        public init(
            policyID: String, title: String, inPrevious: Bool, inCurrent: Bool, newlyEligible: Int, noLongerEligible: Int,
            amountChanged: Int
        ) {
            self.policyID = policyID
            self.title = title
            self.inPrevious = inPrevious
            self.inCurrent = inCurrent
            self.newlyEligible = newlyEligible
            self.noLongerEligible = noLongerEligible
            self.amountChanged = amountChanged
        }
    }

    public var previousRunID: Int64
    public var previousAsOf: String
    public var lines: [Line]

    public init(previousRunID: Int64, previousAsOf: String, lines: [Line]) {
        self.previousRunID = previousRunID
        self.previousAsOf = previousAsOf
        self.lines = lines
    }
}
