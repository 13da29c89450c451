import Mustache

/// Renders named templates with swift-mustache, parsing each one once per build (a 1,000-service
/// spec renders the service templates a thousand times). Values are escaped for their destination
/// before they are placed in a context, so templates use `{{{raw}}}` tags only.
final class TemplateRenderer {
    static let runtimePrefix = "swift/runtime/"
    let templates: TemplateSource
    private var parsed: [String: MustacheTemplate] = [:]

    init(templates: TemplateSource) {
        self.templates = templates
    }

    func render(_ name: String, _ context: [String: Any]) throws -> String {
        if let template = parsed[name] { return template.render(context) }
        let text = try templates.template(name)
        let template: MustacheTemplate
        do {
            template = try MustacheTemplate(string: text)
        } catch {
            throw GenerationError("template \(name) does not parse: \(error)")
        }
        parsed[name] = template
        return template.render(context)
    }
}
