/* rhetoric._core: the optional compiled core (issue 15).
 *
 * Round 7 holds one layer: the JSONL record of a report, written straight from the
 * Report, Hit and Target objects into one UTF-8 buffer, byte for byte what
 * rhetoric.outputs.json.report_line writes (json.dumps spacing, float repr,
 * ensure_ascii=False escaping). Anything this writer does not expect (another type, a
 * non-finite float, a lone surrogate, deep nesting, detector errors) makes it return
 * None, and the caller takes the pure-Python path, which stays the reference.
 *
 * Every text is read code point by code point into a growing heap buffer: no
 * fixed-size buffer ever holds text, and every allocation and call is checked.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <math.h>
#include <string.h>

/* Bumped whenever the Python side's expectations change (rhetoric/_coreload.py). */
#define CORE_API 1
/* Deeper evidence than this goes to the Python path (which has its own limits). */
#define MAX_DEPTH 32

/* What a writer step returns: done, an exception is set, or "not mine". */
enum { DONE = 0, FAILED = -1, DECLINED = 1 };

#define TRY(call)                 \
    do {                          \
        int status_ = (call);     \
        if (status_ != DONE) {    \
            return status_;       \
        }                         \
    } while (0)

typedef struct {
    char *data;
    Py_ssize_t len;
    Py_ssize_t cap;
} Buffer;

static inline int
reserve(Buffer *out, Py_ssize_t extra)
{
    if (extra > PY_SSIZE_T_MAX - out->len) {
        PyErr_NoMemory();
        return FAILED;
    }
    Py_ssize_t need = out->len + extra;
    if (need <= out->cap) {
        return DONE;
    }
    Py_ssize_t cap = out->cap > 0 ? out->cap : 512;
    while (cap < need) {
        cap = cap > PY_SSIZE_T_MAX / 2 ? need : cap * 2;
    }
    char *data = PyMem_Realloc(out->data, (size_t)cap);
    if (data == NULL) {
        PyErr_NoMemory();
        return FAILED;
    }
    out->data = data;
    out->cap = cap;
    return DONE;
}

static inline int
add(Buffer *out, const char *bytes, Py_ssize_t size)
{
    TRY(reserve(out, size));
    memcpy(out->data + out->len, bytes, (size_t)size);
    out->len += size;
    return DONE;
}

#define ADD(out, literal) add((out), (literal), (Py_ssize_t)(sizeof(literal) - 1))

static const char HEX[] = "0123456789abcdef";

/* One code point as JSON with ensure_ascii=False, at p (room for 6 bytes): '"', '\\'
 * and control chars escaped as json's encode_basestring does, everything else as
 * UTF-8. Returns the end of what it wrote, or NULL for a surrogate (Python writes
 * such a record with ASCII escapes). */
static inline char *
emit(char *p, Py_UCS4 c)
{
    if (c >= 0x20 && c < 0x80) {
        if (c == '"' || c == '\\') {
            *p++ = '\\';
        }
        *p++ = (char)c;
    }
    else if (c < 0x20) {
        *p++ = '\\';
        switch (c) {
        case '\n': *p++ = 'n'; break;
        case '\r': *p++ = 'r'; break;
        case '\t': *p++ = 't'; break;
        case '\b': *p++ = 'b'; break;
        case '\f': *p++ = 'f'; break;
        default:
            *p++ = 'u';
            *p++ = '0';
            *p++ = '0';
            *p++ = HEX[(c >> 4) & 0xf];
            *p++ = HEX[c & 0xf];
        }
    }
    else if (c < 0x800) {
        *p++ = (char)(0xc0 | (c >> 6));
        *p++ = (char)(0x80 | (c & 0x3f));
    }
    else if (c >= 0xd800 && c <= 0xdfff) {
        return NULL;
    }
    else if (c < 0x10000) {
        *p++ = (char)(0xe0 | (c >> 12));
        *p++ = (char)(0x80 | ((c >> 6) & 0x3f));
        *p++ = (char)(0x80 | (c & 0x3f));
    }
    else {
        *p++ = (char)(0xf0 | (c >> 18));
        *p++ = (char)(0x80 | ((c >> 12) & 0x3f));
        *p++ = (char)(0x80 | ((c >> 6) & 0x3f));
        *p++ = (char)(0x80 | (c & 0x3f));
    }
    return p;
}

/* A str as a JSON string (see emit); one loop per storage width, so that no read
 * dispatches on the width, and runs of plain ASCII copied as they are. */
static int
write_string(Buffer *out, PyObject *text)
{
    if (!PyUnicode_CheckExact(text)) {
        return DECLINED;
    }
#if PY_VERSION_HEX < 0x030C0000
    if (PyUnicode_READY(text) < 0) {
        return FAILED;
    }
#endif
    Py_ssize_t size = PyUnicode_GET_LENGTH(text);
    if (size > (PY_SSIZE_T_MAX - 2) / 6) {
        PyErr_NoMemory();
        return FAILED;
    }
    TRY(reserve(out, size * 6 + 2)); /* worst case: every char a \u00XX escape */
    char *p = out->data + out->len;
    *p++ = '"';
    switch (PyUnicode_KIND(text)) {
    case PyUnicode_1BYTE_KIND: {
        const Py_UCS1 *chars = PyUnicode_1BYTE_DATA(text);
        Py_ssize_t i = 0;
        while (i < size) {
            Py_ssize_t run = i;
            while (run < size && chars[run] >= 0x20 && chars[run] < 0x80 && chars[run] != '"'
                   && chars[run] != '\\') {
                run++;
            }
            memcpy(p, chars + i, (size_t)(run - i));
            p += run - i;
            if (run < size) {
                p = emit(p, chars[run]); /* never NULL: no surrogate below 0x100 */
                run++;
            }
            i = run;
        }
        break;
    }
    case PyUnicode_2BYTE_KIND: {
        const Py_UCS2 *chars = PyUnicode_2BYTE_DATA(text);
        for (Py_ssize_t i = 0; i < size && p != NULL; i++) {
            p = emit(p, chars[i]);
        }
        break;
    }
    default: {
        const Py_UCS4 *chars = PyUnicode_4BYTE_DATA(text);
        for (Py_ssize_t i = 0; i < size && p != NULL; i++) {
            p = emit(p, chars[i]);
        }
    }
    }
    if (p == NULL) {
        return DECLINED; /* nothing written counts: the caller drops the buffer */
    }
    *p++ = '"';
    out->len = p - out->data;
    return DONE;
}

/* An exact int as json writes it; one beyond long long declines. */
static int
write_int(Buffer *out, PyObject *number)
{
    int overflow = 0;
    long long value = PyLong_AsLongLongAndOverflow(number, &overflow);
    if (overflow != 0) {
        return DECLINED;
    }
    if (value == -1 && PyErr_Occurred()) {
        return FAILED;
    }
    /* a number, never text: 20 digits and a sign fit, written backwards */
    char digits[24];
    char *p = digits + sizeof(digits);
    unsigned long long rest = value < 0 ? 0ULL - (unsigned long long)value
                                        : (unsigned long long)value;
    do {
        *--p = (char)('0' + (int)(rest % 10));
        rest /= 10;
    } while (rest != 0);
    if (value < 0) {
        *--p = '-';
    }
    return add(out, p, (Py_ssize_t)(digits + sizeof(digits) - p));
}

/* An exact finite float as float.__repr__ writes it (json uses that repr). */
static int
write_float(Buffer *out, PyObject *number)
{
    double value = PyFloat_AS_DOUBLE(number);
    if (!isfinite(value)) {
        return DECLINED; /* NaN/Infinity: the Python path decides */
    }
    char *text = PyOS_double_to_string(value, 'r', 0, Py_DTSF_ADD_DOT_0, NULL);
    if (text == NULL) {
        return FAILED;
    }
    int status = add(out, text, (Py_ssize_t)strlen(text));
    PyMem_Free(text);
    return status;
}

static int write_value(Buffer *out, PyObject *value, int depth);

static int
write_sequence(Buffer *out, PyObject *items, int depth)
{
    TRY(ADD(out, "["));
    /* Exact lists and tuples only, and nothing here runs Python code, so the size
     * read on each turn is the size of the list being written. */
    for (Py_ssize_t i = 0; i < PySequence_Fast_GET_SIZE(items); i++) {
        if (i > 0) {
            TRY(ADD(out, ", "));
        }
        TRY(write_value(out, PySequence_Fast_GET_ITEM(items, i), depth + 1));
    }
    return ADD(out, "]");
}

static int
write_dict(Buffer *out, PyObject *mapping, int depth)
{
    TRY(ADD(out, "{"));
    Py_ssize_t position = 0;
    PyObject *key;
    PyObject *value;
    int first = 1;
    while (PyDict_Next(mapping, &position, &key, &value)) {
        if (!first) {
            TRY(ADD(out, ", "));
        }
        first = 0;
        TRY(write_string(out, key)); /* a key that is not an exact str declines */
        TRY(ADD(out, ": "));
        TRY(write_value(out, value, depth + 1));
    }
    return ADD(out, "}");
}

/* A plain JSON value: what jsonable() leaves unchanged and json.dumps writes the same
 * way; anything else (sets, mappings of other types, subclasses, objects) declines. */
static int
write_value(Buffer *out, PyObject *value, int depth)
{
    if (depth > MAX_DEPTH) {
        return DECLINED;
    }
    if (value == Py_None) {
        return ADD(out, "null");
    }
    if (value == Py_True) {
        return ADD(out, "true");
    }
    if (value == Py_False) {
        return ADD(out, "false");
    }
    if (PyUnicode_CheckExact(value)) {
        return write_string(out, value);
    }
    if (PyLong_CheckExact(value)) {
        return write_int(out, value);
    }
    if (PyFloat_CheckExact(value)) {
        return write_float(out, value);
    }
    if (PyList_CheckExact(value) || PyTuple_CheckExact(value)) {
        return write_sequence(out, value, depth);
    }
    if (PyDict_CheckExact(value)) {
        return write_dict(out, value, depth);
    }
    return DECLINED;
}

/* Interned attribute names, made once at import. */
static PyObject *name_id, *name_hits, *name_scores, *name_score, *name_verdict,
    *name_readability, *name_errors, *name_value, *name_start, *name_end, *name_text,
    *name_technique, *name_rule, *name_severity, *name_confidence, *name_message,
    *name_evidence, *name_target, *name_kind, *name_group;

/* obj.name as a new reference; NULL with *status DECLINED when it has no such
 * attribute (the Python path then raises or falls back as it always did). */
static PyObject *
attribute(PyObject *obj, PyObject *name, int *status)
{
    PyObject *value = PyObject_GetAttr(obj, name);
    if (value == NULL) {
        if (PyErr_ExceptionMatches(PyExc_AttributeError)) {
            PyErr_Clear();
            *status = DECLINED;
        }
        else {
            *status = FAILED;
        }
    }
    return value;
}

enum Kind { ANY, STRING, INT, FLOAT, DICT };

/* Writes obj.name, which must be of the given kind (else: declined). */
static int
write_attribute(Buffer *out, PyObject *obj, PyObject *name, enum Kind kind)
{
    int status = DONE;
    PyObject *value = attribute(obj, name, &status);
    if (value == NULL) {
        return status;
    }
    switch (kind) {
    case STRING:
        status = write_string(out, value);
        break;
    case INT:
        status = PyLong_CheckExact(value) ? write_int(out, value) : DECLINED;
        break;
    case FLOAT:
        status = PyFloat_CheckExact(value) ? write_float(out, value) : DECLINED;
        break;
    case DICT:
        status = PyDict_CheckExact(value) ? write_dict(out, value, 0) : DECLINED;
        break;
    default:
        status = write_value(out, value, 0);
    }
    Py_DECREF(value);
    return status;
}

/* obj.<enum>.value, which must be an exact str. */
static int
write_enum_value(Buffer *out, PyObject *obj, PyObject *name)
{
    int status = DONE;
    PyObject *member = attribute(obj, name, &status);
    if (member == NULL) {
        return status;
    }
    status = write_attribute(out, member, name_value, STRING);
    Py_DECREF(member);
    return status;
}

/* target_to_dict(target) encoded: kind, then start/end/text, then group. */
static int
write_target(Buffer *out, PyObject *target)
{
    TRY(ADD(out, "{\"kind\": "));
    TRY(write_enum_value(out, target, name_kind));
    int status = DONE;
    PyObject *start = attribute(target, name_start, &status);
    if (start == NULL) {
        return status;
    }
    int named = start != Py_None;
    if (named) {
        status = ADD(out, ", \"start\": ");
        if (status == DONE) {
            status = write_value(out, start, 1);
        }
    }
    Py_DECREF(start);
    if (status != DONE) {
        return status;
    }
    if (named) {
        TRY(ADD(out, ", \"end\": "));
        TRY(write_attribute(out, target, name_end, ANY));
        TRY(ADD(out, ", \"text\": "));
        TRY(write_attribute(out, target, name_text, ANY));
    }
    PyObject *group = attribute(target, name_group, &status);
    if (group == NULL) {
        return status;
    }
    if (group != Py_None) {
        status = ADD(out, ", \"group\": ");
        if (status == DONE) {
            status = write_value(out, group, 1);
        }
    }
    Py_DECREF(group);
    if (status != DONE) {
        return status;
    }
    return ADD(out, "}");
}

static int
write_hit(Buffer *out, PyObject *hit)
{
    TRY(ADD(out, "{\"start\": "));
    TRY(write_attribute(out, hit, name_start, INT));
    TRY(ADD(out, ", \"end\": "));
    TRY(write_attribute(out, hit, name_end, INT));
    TRY(ADD(out, ", \"text\": "));
    TRY(write_attribute(out, hit, name_text, STRING));
    TRY(ADD(out, ", \"technique\": "));
    TRY(write_attribute(out, hit, name_technique, STRING));
    TRY(ADD(out, ", \"rule\": "));
    TRY(write_attribute(out, hit, name_rule, STRING));
    TRY(ADD(out, ", \"severity\": "));
    TRY(write_enum_value(out, hit, name_severity));
    TRY(ADD(out, ", \"confidence\": "));
    TRY(write_attribute(out, hit, name_confidence, FLOAT));
    TRY(ADD(out, ", \"message\": "));
    TRY(write_attribute(out, hit, name_message, STRING));
    TRY(ADD(out, ", \"evidence\": "));
    TRY(write_attribute(out, hit, name_evidence, DICT));
    int status = DONE;
    PyObject *target = attribute(hit, name_target, &status);
    if (target == NULL) {
        return status;
    }
    if (target != Py_None) {
        status = ADD(out, ", \"target\": ");
        if (status == DONE) {
            status = write_target(out, target);
        }
    }
    Py_DECREF(target);
    if (status != DONE) {
        return status;
    }
    return ADD(out, "}");
}

static int
write_hits(Buffer *out, PyObject *report)
{
    int status = DONE;
    PyObject *hits = attribute(report, name_hits, &status);
    if (hits == NULL) {
        return status;
    }
    if (!PyTuple_CheckExact(hits) && !PyList_CheckExact(hits)) {
        Py_DECREF(hits);
        return DECLINED;
    }
    status = ADD(out, "[");
    for (Py_ssize_t i = 0; status == DONE && i < PySequence_Fast_GET_SIZE(hits); i++) {
        if (i > 0) {
            status = ADD(out, ", ");
        }
        if (status == DONE) {
            /* a hit's attributes may run Python code (a plugin's subclass): hold it */
            PyObject *hit = PySequence_Fast_GET_ITEM(hits, i);
            Py_INCREF(hit);
            status = write_hit(out, hit);
            Py_DECREF(hit);
        }
    }
    Py_DECREF(hits);
    if (status != DONE) {
        return status;
    }
    return ADD(out, "]");
}

/* Only reports without detector errors (rare) are written here. */
static int
check_no_errors(PyObject *report)
{
    int status = DONE;
    PyObject *errors = attribute(report, name_errors, &status);
    if (errors == NULL) {
        return status;
    }
    status = (PyTuple_CheckExact(errors) || PyList_CheckExact(errors))
                     && PySequence_Fast_GET_SIZE(errors) == 0
                 ? DONE
                 : DECLINED;
    Py_DECREF(errors);
    return status;
}

static int
write_report(Buffer *out, PyObject *report, PyObject *head)
{
    TRY(check_no_errors(report));
    Py_ssize_t size = 0;
    const char *bytes = PyUnicode_AsUTF8AndSize(head, &size);
    if (bytes == NULL) {
        return FAILED;
    }
    TRY(add(out, bytes, size));
    TRY(write_attribute(out, report, name_id, ANY));
    TRY(ADD(out, ", \"hits\": "));
    TRY(write_hits(out, report));
    TRY(ADD(out, ", \"scores\": "));
    TRY(write_attribute(out, report, name_scores, DICT));
    TRY(ADD(out, ", \"score\": "));
    TRY(write_attribute(out, report, name_score, FLOAT));
    TRY(ADD(out, ", \"verdict\": "));
    TRY(write_enum_value(out, report, name_verdict));
    TRY(ADD(out, ", \"readability\": "));
    TRY(write_attribute(out, report, name_readability, DICT));
    return ADD(out, ", \"errors\": []}\n");
}

PyDoc_STRVAR(report_line_doc,
"report_line(report, head, /)\n--\n\n"
"The JSONL line of a report, as rhetoric.outputs.json.report_line writes it, after\n"
"``head`` (the record's opening up to its id); None when the report holds anything\n"
"this writer leaves to the Python path.");

static PyObject *
report_line(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    (void)module;
    if (nargs != 2) {
        PyErr_SetString(PyExc_TypeError, "report_line() takes a report and a head");
        return NULL;
    }
    if (!PyUnicode_CheckExact(args[1]) || !PyUnicode_IS_ASCII(args[1])) {
        PyErr_SetString(PyExc_TypeError, "report_line() head must be an ASCII str");
        return NULL;
    }
    Buffer out = {NULL, 0, 0};
    int status = write_report(&out, args[0], args[1]);
    PyObject *line = NULL;
    if (status == DONE) {
        line = PyUnicode_DecodeUTF8(out.data, out.len, "strict");
    }
    else if (status == DECLINED) {
        line = Py_NewRef(Py_None);
    }
    PyMem_Free(out.data);
    return line;
}

static PyMethodDef core_methods[] = {
    {"report_line", (PyCFunction)(void (*)(void))report_line, METH_FASTCALL, report_line_doc},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef core_module = {
    PyModuleDef_HEAD_INIT,
    .m_name = "rhetoric._core",
    .m_doc = "rhetoric's optional compiled core (see rhetoric/_coreload.py).",
    .m_size = -1,
    .m_methods = core_methods,
};

static int
intern_names(void)
{
    struct {
        PyObject **slot;
        const char *text;
    } names[] = {
        {&name_id, "id"}, {&name_hits, "hits"}, {&name_scores, "scores"},
        {&name_score, "score"}, {&name_verdict, "verdict"},
        {&name_readability, "readability"}, {&name_errors, "errors"},
        {&name_value, "value"}, {&name_start, "start"}, {&name_end, "end"},
        {&name_text, "text"}, {&name_technique, "technique"}, {&name_rule, "rule"},
        {&name_severity, "severity"}, {&name_confidence, "confidence"},
        {&name_message, "message"}, {&name_evidence, "evidence"},
        {&name_target, "target"}, {&name_kind, "kind"}, {&name_group, "group"},
    };
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        if (*names[i].slot == NULL) {
            *names[i].slot = PyUnicode_InternFromString(names[i].text);
            if (*names[i].slot == NULL) {
                return -1;
            }
        }
    }
    return 0;
}

PyMODINIT_FUNC
PyInit__core(void)
{
    if (intern_names() < 0) {
        return NULL;
    }
    PyObject *module = PyModule_Create(&core_module);
    if (module == NULL) {
        return NULL;
    }
    if (PyModule_AddIntConstant(module, "API", CORE_API) < 0) {
        Py_DECREF(module);
        return NULL;
    }
    return module;
}
