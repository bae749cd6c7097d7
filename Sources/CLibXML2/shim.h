#ifndef MIANSHEN_CLIBXML2_SHIM_H
#define MIANSHEN_CLIBXML2_SHIM_H
// Only what the streaming reader needs. No libxml2 type crosses Mianshen's public API.
#include <libxml/xmlreader.h>
#include <libxml/xmlerror.h>
#include <libxml/parser.h>
#endif
