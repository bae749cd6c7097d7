internal import Datasets
internal import Foundation
internal import Plot

/// An application as a printable page in Chinese (A4), rendered with Plot. Every value from data
/// goes through `ApplicationPage.text`, so it shows as text; none is put in an attribute (Plot
/// does not escape attribute values).
public enum ApplicationPage {
    public static func render(_ app: Application) -> String {
        let html = HTML(
            .lang(.chinese),
            .head(
                .meta(.charset(.utf8)),
                .element(named: "title", nodes: [text("\(app.form.title) \(app.number)")]),
                .style(ApplicationStyle.css)
            ),
            .body(
                .div(
                    .class("sheet"),
                    .header(
                        .h1(text(app.form.title)),
                        .p(.class("meta"), text("申请编号：\(app.number)　受益期：\(app.period)　数据日期：\(app.asOf)"))
                    ),
                    parties(app),
                    policy(app),
                    fields(app),
                    amount(app),
                    conditions(app),
                    materials(app),
                    signature(app),
                    .footer(.p(text(
                        "本表由“免申即享”系统根据 \(app.asOf) 的档案数据自动生成（格式版本 \(OutputsFormat.version)）；"
                            + "标“未知”的项目档案中没有数据，请申请时补充。"
                    )))
                )
            )
        )
        return html.render(indentedBy: .spaces(2)) + "\n"
    }

    /// Text from data, escaped. Plot escapes `<` and `>` but keeps `&name;` as an entity, so `&`
    /// is escaped first: “A&B;” shows as typed.
    static func text<Context>(_ value: String) -> Node<Context> {
        .text(value.contains("&") ? value.replacingOccurrences(of: "&", with: "&amp;") : value)
    }

    private static func row(_ label: String, _ value: String) -> Node<HTML.TableContext> {
        .tr(.th(text(label)), .td(text(value)))
    }

    private static func section(_ title: String, _ content: Node<HTML.BodyContext>...) -> Node<HTML.BodyContext> {
        .element(named: "section", nodes: [.h2(text(title))] + content)
    }

    private static func parties(_ app: Application) -> Node<HTML.BodyContext> {
        section(
            "一、申请人与领取人",
            .table(
                .class("kv"),
                row("申请人（\(app.applicant.kind)）", [app.applicant.name, app.applicant.id].compactMap { $0 }.joined(separator: "　")),
                row("领取人（\(app.payee.kind)）", [app.payee.name, app.payee.id].compactMap { $0 }.joined(separator: "　"))
            )
        )
    }

    private static func policy(_ app: Application) -> Node<HTML.BodyContext> {
        section(
            "二、政策与依据",
            .table(
                .class("kv"),
                row("政策", "\(app.policy.id) \(app.policy.title)"),
                row("主管部门", app.policy.department ?? "—"),
                row("政策依据", app.policy.basis ?? "—")
            )
        )
    }

    private static func fields(_ app: Application) -> Node<HTML.BodyContext> {
        section(
            "三、申请信息",
            .table(.class("kv"), .forEach(app.fields) { filled in
                .tr(
                    .th(text(filled.field.label)),
                    .td(.if(filled.value == nil, .class("unknown")), text(filled.shown ?? filled.value ?? "未知（申请时补充）"))
                )
            })
        )
    }

    private static func amount(_ app: Application) -> Node<HTML.BodyContext> {
        section(
            "四、申请金额",
            .p(.class("amount"), text("人民币 \(app.amount) 元")),
            .ol(.forEach(app.calculation) { .li(text($0)) })
        )
    }

    private static func conditions(_ app: Application) -> Node<HTML.BodyContext> {
        section(
            "五、符合的条件",
            .ul(.class("conditions"), .forEach(app.conditions) { .li(text($0.line)) })
        )
    }

    private static func materials(_ app: Application) -> Node<HTML.BodyContext> {
        guard !app.materials.isEmpty else {
            return section("六、申请材料（电子证照）", .p(text("本申请无需调取电子证照。")))
        }
        return section(
            "六、申请材料（电子证照）",
            .table(
                .class("materials"),
                .tr(.th(text("证照类型")), .th(text("证照编号")), .th(text("发证日期")), .th(text("有效期至")), .th(text("状态"))),
                .forEach(app.materials) { m in
                    .tr(
                        .td(text(m.type)), .td(text(m.number ?? "—")), .td(text(m.issued?.description ?? "—")),
                        .td(text(m.expires?.description ?? (m.number == nil ? "—" : "长期有效"))),
                        .td(.if(m.flagged, .class("flag")), text(m.statusText))
                    )
                }
            ),
            .if(app.materials.contains(where: \.flagged), .p(.class("flag"), text("标红的材料已过期、即将到期或未调取到：请申请人更新或补交后再提交。")))
        )
    }

    private static func signature(_ app: Application) -> Node<HTML.BodyContext> {
        let who = app.applicant.kind == "企业" ? "本单位" : "本人"
        return .element(named: "section", nodes: [
            .class("sign"),
            .h2(text("七、承诺与签章")),
            .p(text("\(who)承诺以上信息真实、准确，所附材料有效；如有不实，愿承担相应责任。")),
            .div(
                .class("seal"),
                .div(.p(text("申请人（签字或盖章）：")), .p(text("日期：　　年　　月　　日"))),
                .div(.p(text("经办部门意见（盖章）：")), .p(text("经办人：")), .p(text("日期：　　年　　月　　日")))
            ),
        ])
    }
}
