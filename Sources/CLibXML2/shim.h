#ifndef MIANSHEN_CLIBXML2_SHIM_H
#define MIANSHEN_CLIBXML2_SHIM_H
// What the streaming reader, the application writer (xmlTextWriter) and XSD validation need.
// No libxml2 type crosses Mianshen's public API.
#include <libxml/xmlversion.h>
// Debian's libxml2 is built with ICU, and its encoding.h (pulled in by parser.h) would then
// include the system's ICU headers into this module. They clash with the ICU copy Foundation
// bundles ("'U_…' from module '_FoundationICU' is not present in definition of 'enum
// UErrorCode' in module 'CLibXML2'") in any Swift file that sees both. Mianshen only handles
// encoding handlers by pointer, so hiding their ICU-only trailing members is harmless.
#undef LIBXML_ICU_ENABLED
#include <libxml/xmlreader.h>
#include <libxml/xmlerror.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/encoding.h>
#include <libxml/globals.h>
#include <libxml/parserInternals.h>
#include <libxml/xmlwriter.h>
#include <libxml/xmlschemas.h>

// libxml2 reports some failures (iconv conversion errors, I/O errors) outside the reader's own
// error handler: through this thread's structured handler, and a few ("xmlParseChunk: encoder
// error") straight through the variadic generic handler, which Swift cannot implement. These
// helpers route both to the caller for the duration of a call and then restore what was there,
// so nothing reaches stderr. Both handlers are per-thread state in libxml2.

static inline void mianshen_xml_ignore_generic_error(void *context, const char *message, ...) {
    (void)context;
    (void)message;
}

typedef struct {
    void *genericFunction;
    void *genericContext;
    xmlStructuredErrorFunc structuredFunction;
    void *structuredContext;
} MianshenXMLErrorScope;

static inline MianshenXMLErrorScope mianshen_xml_error_scope_begin(xmlStructuredErrorFunc handler, void *context) {
    MianshenXMLErrorScope saved;
    saved.genericFunction = (void *)xmlGenericError;
    saved.genericContext = xmlGenericErrorContext;
    saved.structuredFunction = xmlStructuredError;
    saved.structuredContext = xmlStructuredErrorContext;
    xmlSetGenericErrorFunc(NULL, mianshen_xml_ignore_generic_error);
    xmlSetStructuredErrorFunc(context, handler);
    return saved;
}

static inline void mianshen_xml_error_scope_end(MianshenXMLErrorScope saved) {
    xmlSetGenericErrorFunc(saved.genericContext, (xmlGenericErrorFunc)saved.genericFunction);
    xmlSetStructuredErrorFunc(saved.structuredContext, saved.structuredFunction);
}

#endif
