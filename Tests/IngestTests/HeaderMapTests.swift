import Datasets
import Diagnostics
import Ingest
import MianshenTesting
import XCTest

final class HeaderMapTests: XCTestCase {
    func testChineseAliasesAndIgnoredColumns() throws {
        let schema = try SchemaLoader.load(kind: .licences, directory: RepositoryPaths.schemas)
        let map = try HeaderMap.resolve(
            header: ["持证主体代码", "主体类型", "证照类型", "证照编号", "发证日期", "有效期至", "备注"],
            schema: schema, path: "x.csv"
        )
        XCTAssertEqual(map.columnOfField, [0, 1, 2, 3, 4, 5])
        XCTAssertEqual(map.ignoredColumns, ["备注"])
    }

    func testUserMapAndMissingRequiredColumns() throws {
        let schema = try SchemaLoader.load(kind: .licences, directory: RepositoryPaths.schemas)
        let header = ["ZZBH", "holder_id", "holder_kind", "license_type", "issue_date"]
        XCTAssertThrowsError(try HeaderMap.resolve(header: header, schema: schema, path: "x.csv")) { error in
            let text = String(describing: error)
            XCTAssertTrue(text.contains("license_no（证照编号）"), text)
            XCTAssertEqual((error as? IngestError)?.category, .dataFormat)
        }
        let map = try HeaderMap.resolve(header: header, schema: schema, userMap: ["ZZBH": "license_no"], path: "x.csv")
        XCTAssertEqual(map.columnOfField[schema.index(of: "license_no")!], 0)
        XCTAssertNil(map.columnOfField[schema.index(of: "expiry_date")!], "optional column absent")
    }

    func testTwoColumnsForOneFieldAreRefused() throws {
        let schema = try SchemaLoader.load(kind: .licences, directory: RepositoryPaths.schemas)
        XCTAssertThrowsError(try HeaderMap.resolve(
            header: ["holder_id", "持证主体代码", "holder_kind", "license_type", "license_no", "issue_date"],
            schema: schema, path: "x.csv"
        ))
    }
}
