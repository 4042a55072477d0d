/* rhetoric._core: the optional compiled core (issue 15).
 *
 * Round 7 added the first layer: the JSONL record of a report, written straight from the
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
#define CORE_API 7
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

/* ---------------------------------------------------------------------------------
 * Layer 2 (round 8): the plain path of text preparation, for an ASCII folded view.
 *
 * word_pieces, is_plain and plain_tokens of rhetoric/text/plain.py, in one scan each
 * instead of a regex pass (or six) and a Python-level zip. The character classes come
 * from plain.py at import (plain_setup), derived from rhetoric/data/obfuscation.toml,
 * so the data file can change without a rebuild; only the shape of the tests is here.
 * Anything else (a non-ASCII or non-str argument, a setup that did not happen) returns
 * None, and plain.py runs its regexes, which stay the reference.
 */

/* Flags of an ASCII char in plain_flags: one bit per class plain.py's regexes use. */
enum {
    F_SIGN = 1,      /* _SIGN_RE: digits, leet and mask signs */
    F_NOT_BANG = 2,  /* _ODD_RE's sign after a letter (no "!") */
    F_NUM_GAP = 4,   /* _ODD_RE's signs and apostrophe inside a number */
    F_INSIDE = 8,    /* letters read once when doubled inside a word */
    F_NOT_AFTER = 16,/* letters after which such a double is never read */
    F_FINAL = 32,    /* letters read once when doubled at a word's end */
    F_GAP = 64,      /* chars between spelled-out letters */
    F_GLUE = 128,    /* chars a phrase may run across (tokens.is_glue) */
};

typedef struct {
    unsigned char letter;
    unsigned char before[128]; /* 1: may precede the letter */
    unsigned char after[128];  /* 1: may follow it */
} Swap;

typedef struct {
    unsigned char *text;
    Py_ssize_t len;
    unsigned char not_after[128];
} Pair;

static unsigned char plain_flags[128];
static Swap *plain_swaps;
static Py_ssize_t plain_swap_count;
static Pair *plain_pairs;
static Py_ssize_t plain_pair_count;
static Py_ssize_t plain_longest_gap;
static PyTypeObject *plain_token_type; /* rhetoric.text.tokens.Token, a plain tuple subclass */
static PyObject *plain_empty;          /* () : a plain token's variants */

static inline int
is_word_char(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

static inline int
is_letter(unsigned char c)
{
    return c >= 'a' && c <= 'z';
}

static inline int
is_digit(unsigned char c)
{
    return c >= '0' && c <= '9';
}

/* The ASCII bytes of ``text``, or NULL when it is not an exact ASCII str. */
static const unsigned char *
ascii_of(PyObject *text, Py_ssize_t *len)
{
    if (!PyUnicode_CheckExact(text) || !PyUnicode_IS_ASCII(text)) {
        return NULL;
    }
    *len = PyUnicode_GET_LENGTH(text);
    return (const unsigned char *)PyUnicode_DATA(text);
}

/* The next word ([a-z0-9]+(?:'+[a-z0-9]+)*) at or after ``pos``: 1 and its span, or 0. */
static int
next_word(const unsigned char *s, Py_ssize_t n, Py_ssize_t pos, Py_ssize_t *start,
          Py_ssize_t *end)
{
    while (pos < n && !is_word_char(s[pos])) {
        pos++;
    }
    if (pos >= n) {
        return 0;
    }
    Py_ssize_t i = pos;
    for (;;) {
        while (i < n && is_word_char(s[i])) {
            i++;
        }
        Py_ssize_t j = i;
        while (j < n && s[j] == '\'') {
            j++;
        }
        if (j == i || j >= n || !is_word_char(s[j])) {
            break;
        }
        i = j;
    }
    *start = pos;
    *end = i;
    return 1;
}

/* _ODD_RE.search: a letter and a sign in one run of word chars, or a sign in a number. */
static int
has_odd(const unsigned char *s, Py_ssize_t n)
{
    for (Py_ssize_t i = 0; i < n; i++) {
        unsigned char c = s[i];
        if (is_letter(c)) { /* [a-z]['!]*[NOT_BANG] */
            for (Py_ssize_t j = i + 1; j < n; j++) {
                if (plain_flags[s[j]] & F_NOT_BANG) {
                    return 1;
                }
                if (s[j] != '\'' && s[j] != '!') {
                    break;
                }
            }
        }
        if (plain_flags[c] & F_SIGN) { /* [SIGN]'*[a-z] */
            for (Py_ssize_t j = i + 1; j < n; j++) {
                if (is_letter(s[j])) {
                    return 1;
                }
                if (s[j] != '\'') {
                    break;
                }
            }
        }
        if (is_digit(c)) { /* [0-9][signs']+[0-9] */
            for (Py_ssize_t j = i + 1; j < n; j++) {
                if (j > i + 1 && is_digit(s[j])) {
                    return 1;
                }
                if (!(plain_flags[s[j]] & F_NUM_GAP)) {
                    break;
                }
            }
        }
    }
    return 0;
}

/* _STRETCH_RE.search: a letter three times, or twice where the data reads it once. */
static int
has_stretch(const unsigned char *s, Py_ssize_t n)
{
    for (Py_ssize_t i = 0; i + 1 < n; i++) {
        unsigned char c = s[i];
        if (!is_letter(c) || s[i + 1] != c) {
            continue;
        }
        if (i + 2 < n && s[i + 2] == c) {
            return 1;
        }
        if ((plain_flags[c] & F_INSIDE) && !(i >= 1 && (plain_flags[s[i - 1]] & F_NOT_AFTER))) {
            return 1;
        }
        if ((plain_flags[c] & F_FINAL) && (i + 2 >= n || !is_word_char(s[i + 2]))) {
            return 1;
        }
    }
    return 0;
}

/* After the spelled-out letter at ``p``: ``left`` more, each after a gap, then no word char. */
static int
spelled_rest(const unsigned char *s, Py_ssize_t n, Py_ssize_t p, int left)
{
    if (left == 0) {
        return p + 1 >= n || !is_word_char(s[p + 1]);
    }
    for (Py_ssize_t gap = 1; gap <= plain_longest_gap && p + gap < n; gap++) {
        if (!(plain_flags[s[p + gap]] & F_GAP)) {
            break;
        }
        Py_ssize_t q = p + gap + 1;
        if (q < n && is_word_char(s[q]) && spelled_rest(s, n, q, left - 1)) {
            return 1;
        }
    }
    return 0;
}

/* _SPELLED_RE.search: three single characters parted by gaps ("f u c"). */
static int
has_spelled(const unsigned char *s, Py_ssize_t n)
{
    for (Py_ssize_t i = 0; i < n; i++) {
        if (is_word_char(s[i]) && (i == 0 || !is_word_char(s[i - 1])) && spelled_rest(s, n, i, 2)) {
            return 1;
        }
    }
    return 0;
}

/* _SWAP_RE.search: a swap letter between neighbours English never puts around it. */
static int
has_swap(const unsigned char *s, Py_ssize_t n)
{
    for (Py_ssize_t k = 0; k < plain_swap_count; k++) {
        const Swap *swap = &plain_swaps[k];
        for (Py_ssize_t i = 1; i + 1 < n; i++) {
            if (s[i] == swap->letter && swap->before[s[i - 1]] && swap->after[s[i + 1]]) {
                return 1;
            }
        }
    }
    return 0;
}

/* _paired: a letter pair standing for one letter, not after its excluded letters. */
static int
has_pair(const unsigned char *s, Py_ssize_t n)
{
    for (Py_ssize_t k = 0; k < plain_pair_count; k++) {
        const Pair *pair = &plain_pairs[k];
        for (Py_ssize_t i = 0; i + pair->len <= n; i++) {
            if (memcmp(s + i, pair->text, (size_t)pair->len) == 0
                && !(i >= 1 && pair->not_after[s[i - 1]])) {
                return 1;
            }
        }
    }
    return 0;
}

/* tokens.is_glue of an ASCII gap: blank, dashes, quotes, emphasis, one line break at most. */
static int
is_glue_gap(const unsigned char *s, Py_ssize_t n)
{
    Py_ssize_t breaks = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        if (!(plain_flags[s[i]] & F_GLUE)) {
            return 0;
        }
        if (s[i] == '\n' || (s[i] == '\r' && !(i + 1 < n && s[i + 1] == '\n'))) {
            breaks++;
        }
    }
    return breaks <= 1;
}

static int
is_ready(void)
{
    return plain_token_type != NULL;
}

PyDoc_STRVAR(word_pieces_doc,
"word_pieces(folded, /)\n--\n\n"
"plain.word_pieces: gap, word, gap, ..., word, gap; None unless ``folded`` is an\n"
"ASCII str.");

static PyObject *
word_pieces(PyObject *module, PyObject *folded)
{
    (void)module;
    Py_ssize_t n;
    const unsigned char *s = ascii_of(folded, &n);
    if (s == NULL || !is_ready()) {
        Py_RETURN_NONE;
    }
    PyObject *pieces = PyList_New(0);
    if (pieces == NULL) {
        return NULL;
    }
    Py_ssize_t pos = 0, start, end;
    for (;;) {
        int found = next_word(s, n, pos, &start, &end);
        PyObject *gap = PyUnicode_Substring(folded, pos, found ? start : n);
        if (gap == NULL || PyList_Append(pieces, gap) < 0) {
            Py_XDECREF(gap);
            Py_DECREF(pieces);
            return NULL;
        }
        Py_DECREF(gap);
        if (!found) {
            return pieces;
        }
        PyObject *word = PyUnicode_Substring(folded, start, end);
        if (word == NULL || PyList_Append(pieces, word) < 0) {
            Py_XDECREF(word);
            Py_DECREF(pieces);
            return NULL;
        }
        Py_DECREF(word);
        pos = end;
    }
}

/* plain.python_is_plain of ASCII bytes: each regex of plain.py as one scan. */
static int
plain_of(const unsigned char *s, Py_ssize_t n)
{
    int odd = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        if (plain_flags[s[i]] & F_SIGN) {
            odd = has_odd(s, n);
            break;
        }
    }
    return !(odd || has_stretch(s, n) || has_spelled(s, n) || has_swap(s, n) || has_pair(s, n));
}

PyDoc_STRVAR(is_plain_doc,
"is_plain(folded, /)\n--\n\n"
"plain.is_plain of an ASCII folded view; None unless ``folded`` is an ASCII str.");

static PyObject *
is_plain(PyObject *module, PyObject *folded)
{
    (void)module;
    Py_ssize_t n;
    const unsigned char *s = ascii_of(folded, &n);
    if (s == NULL || !is_ready()) {
        Py_RETURN_NONE;
    }
    return Py_NewRef(plain_of(s, n) ? Py_True : Py_False);
}

PyDoc_STRVAR(plain_facts_doc,
"plain_facts(folded, /)\n--\n\n"
"The plain facts of an ASCII folded view in one call: (the frozenset of the words of\n"
"word_pieces, is_plain). No gap is cut: plain_tokens(folded, None) cuts the tokens\n"
"itself when they are needed. None unless ``folded`` is an ASCII str.");

static PyObject *
plain_facts(PyObject *module, PyObject *folded)
{
    (void)module;
    Py_ssize_t n;
    const unsigned char *s = ascii_of(folded, &n);
    if (s == NULL || !is_ready()) {
        Py_RETURN_NONE;
    }
    /* A brand-new frozenset may be filled with PySet_Add before anyone sees it. */
    PyObject *words = PyFrozenSet_New(NULL);
    if (words == NULL) {
        return NULL;
    }
    Py_ssize_t pos = 0, start, end;
    while (next_word(s, n, pos, &start, &end)) {
        PyObject *word = PyUnicode_Substring(folded, start, end);
        if (word == NULL || PySet_Add(words, word) < 0) {
            Py_XDECREF(word);
            Py_DECREF(words);
            return NULL;
        }
        Py_DECREF(word);
        pos = end;
    }
    PyObject *facts = PyTuple_New(2);
    if (facts == NULL) {
        Py_DECREF(words);
        return NULL;
    }
    PyTuple_SET_ITEM(facts, 0, words);
    PyTuple_SET_ITEM(facts, 1, Py_NewRef(plain_of(s, n) ? Py_True : Py_False));
    return facts;
}

/* One Token (a tuple subclass with no fields of its own), as tuple.__new__ makes it. */
static PyObject *
new_token(Py_ssize_t index, Py_ssize_t start, Py_ssize_t end, PyObject *word, int glue)
{
    PyObject *token = plain_token_type->tp_alloc(plain_token_type, 7);
    if (token == NULL) {
        return NULL;
    }
    PyObject *fields[3] = {
        PyLong_FromSsize_t(index), PyLong_FromSsize_t(start), PyLong_FromSsize_t(end)
    };
    for (int k = 0; k < 3; k++) {
        if (fields[k] == NULL) {
            for (int m = 0; m < 3; m++) {
                Py_XDECREF(fields[m]);
            }
            Py_DECREF(token);
            return NULL;
        }
        PyTuple_SET_ITEM(token, k, fields[k]);
    }
    PyTuple_SET_ITEM(token, 3, Py_NewRef(word));
    PyTuple_SET_ITEM(token, 4, Py_NewRef(plain_empty));
    PyTuple_SET_ITEM(token, 5, Py_NewRef(Py_None));
    PyTuple_SET_ITEM(token, 6, Py_NewRef(glue ? Py_True : Py_False));
    return token;
}

/* The tokens from ``pieces`` (an owned list of exact ASCII strs): DECLINED if it is not. */
static int
tokens_of_pieces(PyObject *pieces, PyObject *tokens)
{
    Py_ssize_t count = PyList_GET_SIZE(pieces);
    if (count % 2 == 0) {
        return DECLINED;
    }
    for (Py_ssize_t k = 0; k < count; k++) {
        Py_ssize_t len;
        if (ascii_of(PyList_GET_ITEM(pieces, k), &len) == NULL) {
            return DECLINED;
        }
    }
    Py_ssize_t pos = 0;
    for (Py_ssize_t k = 0; k + 1 < count; k += 2) {
        PyObject *gap = PyList_GET_ITEM(pieces, k);
        PyObject *word = PyList_GET_ITEM(pieces, k + 1);
        Py_ssize_t gap_len = PyUnicode_GET_LENGTH(gap);
        Py_ssize_t word_len = PyUnicode_GET_LENGTH(word);
        int glue = k > 0 && is_glue_gap((const unsigned char *)PyUnicode_DATA(gap), gap_len);
        pos += gap_len;
        PyObject *token = new_token(k / 2, pos, pos + word_len, word, glue);
        if (token == NULL) {
            return FAILED;
        }
        pos += word_len;
        if (PyList_Append(tokens, token) < 0) {
            Py_DECREF(token);
            return FAILED;
        }
        Py_DECREF(token);
    }
    return DONE;
}

/* The tokens cut from ``folded`` itself. */
static int
tokens_of_text(PyObject *folded, const unsigned char *s, Py_ssize_t n, PyObject *tokens)
{
    Py_ssize_t pos = 0, start, end, index = 0;
    while (next_word(s, n, pos, &start, &end)) {
        int glue = index > 0 && is_glue_gap(s + pos, start - pos);
        PyObject *word = PyUnicode_Substring(folded, start, end);
        if (word == NULL) {
            return FAILED;
        }
        PyObject *token = new_token(index, start, end, word, glue);
        Py_DECREF(word);
        if (token == NULL) {
            return FAILED;
        }
        if (PyList_Append(tokens, token) < 0) {
            Py_DECREF(token);
            return FAILED;
        }
        Py_DECREF(token);
        index++;
        pos = end;
    }
    return DONE;
}

PyDoc_STRVAR(plain_tokens_doc,
"plain_tokens(folded, pieces, /)\n--\n\n"
"plain.plain_tokens: the Token tuple of a plain comment, from ``pieces`` when it is\n"
"not None (as word_pieces cut it) or else from ``folded``; None for anything but\n"
"ASCII strs and a list.");

static PyObject *
plain_tokens(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    (void)module;
    if (nargs != 2) {
        PyErr_SetString(PyExc_TypeError, "plain_tokens() takes folded and pieces");
        return NULL;
    }
    if (!is_ready()) {
        Py_RETURN_NONE;
    }
    PyObject *folded = args[0], *pieces = args[1];
    Py_ssize_t n = 0;
    const unsigned char *s = NULL;
    PyObject *owned = NULL; /* a copy of pieces: no caller's list is walked while we allocate */
    if (pieces == Py_None) {
        s = ascii_of(folded, &n);
        if (s == NULL) {
            Py_RETURN_NONE;
        }
    }
    else if (PyList_CheckExact(pieces)) {
        owned = PyList_GetSlice(pieces, 0, PyList_GET_SIZE(pieces));
        if (owned == NULL) {
            return NULL;
        }
    }
    else {
        Py_RETURN_NONE;
    }
    PyObject *tokens = PyList_New(0);
    if (tokens == NULL) {
        Py_XDECREF(owned);
        return NULL;
    }
    int status = owned != NULL ? tokens_of_pieces(owned, tokens)
                               : tokens_of_text(folded, s, n, tokens);
    Py_XDECREF(owned);
    PyObject *result = NULL;
    if (status == DONE) {
        result = PyList_AsTuple(tokens);
    }
    else if (status == DECLINED) {
        result = Py_NewRef(Py_None);
    }
    Py_DECREF(tokens);
    return result;
}

/* A 128-entry table from a bytes object of 0/1 (or flag) bytes. */
static int
read_table(PyObject *table, unsigned char *into, const char *what)
{
    if (!PyBytes_CheckExact(table) || PyBytes_GET_SIZE(table) != 128) {
        PyErr_Format(PyExc_ValueError, "plain_setup(): %s must be 128 bytes", what);
        return -1;
    }
    memcpy(into, PyBytes_AS_STRING(table), 128);
    return 0;
}

static void
clear_plain(void)
{
    PyMem_Free(plain_swaps);
    plain_swaps = NULL;
    plain_swap_count = 0;
    for (Py_ssize_t k = 0; k < plain_pair_count; k++) {
        PyMem_Free(plain_pairs[k].text);
    }
    PyMem_Free(plain_pairs);
    plain_pairs = NULL;
    plain_pair_count = 0;
    Py_CLEAR(plain_token_type);
    Py_CLEAR(plain_empty);
}

static int
setup_swaps(PyObject *swaps)
{
    if (!PyTuple_CheckExact(swaps)) {
        PyErr_SetString(PyExc_ValueError, "plain_setup(): swaps must be a tuple");
        return -1;
    }
    Py_ssize_t count = PyTuple_GET_SIZE(swaps);
    plain_swaps = PyMem_Calloc((size_t)(count > 0 ? count : 1), sizeof(Swap));
    if (plain_swaps == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    for (Py_ssize_t k = 0; k < count; k++) {
        PyObject *entry = PyTuple_GET_ITEM(swaps, k);
        Swap *swap = &plain_swaps[k];
        if (!PyTuple_CheckExact(entry) || PyTuple_GET_SIZE(entry) != 3
            || !PyBytes_CheckExact(PyTuple_GET_ITEM(entry, 0))
            || PyBytes_GET_SIZE(PyTuple_GET_ITEM(entry, 0)) != 1) {
            PyErr_SetString(PyExc_ValueError, "plain_setup(): a swap is (letter, before, after)");
            return -1;
        }
        swap->letter = (unsigned char)PyBytes_AS_STRING(PyTuple_GET_ITEM(entry, 0))[0];
        if (read_table(PyTuple_GET_ITEM(entry, 1), swap->before, "a swap's before") < 0
            || read_table(PyTuple_GET_ITEM(entry, 2), swap->after, "a swap's after") < 0) {
            return -1;
        }
        plain_swap_count = k + 1;
    }
    return 0;
}

static int
setup_pairs(PyObject *pairs)
{
    if (!PyTuple_CheckExact(pairs)) {
        PyErr_SetString(PyExc_ValueError, "plain_setup(): pairs must be a tuple");
        return -1;
    }
    Py_ssize_t count = PyTuple_GET_SIZE(pairs);
    plain_pairs = PyMem_Calloc((size_t)(count > 0 ? count : 1), sizeof(Pair));
    if (plain_pairs == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    for (Py_ssize_t k = 0; k < count; k++) {
        PyObject *entry = PyTuple_GET_ITEM(pairs, k);
        Pair *pair = &plain_pairs[k];
        if (!PyTuple_CheckExact(entry) || PyTuple_GET_SIZE(entry) != 2
            || !PyBytes_CheckExact(PyTuple_GET_ITEM(entry, 0))
            || PyBytes_GET_SIZE(PyTuple_GET_ITEM(entry, 0)) < 1) {
            PyErr_SetString(PyExc_ValueError, "plain_setup(): a pair is (letters, not_after)");
            return -1;
        }
        PyObject *text = PyTuple_GET_ITEM(entry, 0);
        pair->len = PyBytes_GET_SIZE(text);
        pair->text = PyMem_Malloc((size_t)pair->len);
        if (pair->text == NULL) {
            PyErr_NoMemory();
            return -1;
        }
        memcpy(pair->text, PyBytes_AS_STRING(text), (size_t)pair->len);
        plain_pair_count = k + 1;
        if (read_table(PyTuple_GET_ITEM(entry, 1), pair->not_after, "a pair's not_after") < 0) {
            return -1;
        }
    }
    return 0;
}

PyDoc_STRVAR(plain_setup_doc,
"plain_setup(token_type, flags, swaps, pairs, longest_gap, /)\n--\n\n"
"Hand the plain path its tables (rhetoric/text/plain.py does, at import): the Token\n"
"type, 128 flag bytes per ASCII char, the swaps as (letter, before, after) and the\n"
"pairs as (letters, not_after) with 128-byte tables, and the longest spelled gap.\n"
"Raises ValueError on anything else; until it succeeds the plain functions return None.");

static PyObject *
plain_setup(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    (void)module;
    if (nargs != 5) {
        PyErr_SetString(PyExc_TypeError, "plain_setup() takes 5 arguments");
        return NULL;
    }
    clear_plain();
    PyObject *type = args[0];
    if (!PyType_Check(type) || type == (PyObject *)&PyTuple_Type
        || !PyType_IsSubtype((PyTypeObject *)type, &PyTuple_Type)
        || ((PyTypeObject *)type)->tp_basicsize != PyTuple_Type.tp_basicsize
        || ((PyTypeObject *)type)->tp_itemsize != PyTuple_Type.tp_itemsize
        || ((PyTypeObject *)type)->tp_dictoffset != 0) {
        PyErr_SetString(PyExc_ValueError, "plain_setup(): the token type must be a bare tuple subclass");
        return NULL;
    }
    Py_ssize_t gap = PyLong_AsSsize_t(args[4]);
    if (gap == -1 && PyErr_Occurred()) {
        return NULL;
    }
    if (gap < 1) {
        PyErr_SetString(PyExc_ValueError, "plain_setup(): longest_gap must be positive");
        return NULL;
    }
    if (read_table(args[1], plain_flags, "flags") < 0 || setup_swaps(args[2]) < 0
        || setup_pairs(args[3]) < 0) {
        clear_plain();
        return NULL;
    }
    plain_empty = PyTuple_New(0);
    if (plain_empty == NULL) {
        clear_plain();
        return NULL;
    }
    plain_longest_gap = gap;
    plain_token_type = (PyTypeObject *)Py_NewRef(type);
    Py_RETURN_NONE;
}

/* ---------------------------------------------------------------------------------
 * Layer 3 (round 8): the token trie's exact walk, TokenTrie._scan_exact of
 * rhetoric/engine/trie.py, for comments whose tokens have no variants, masks or joined
 * letters. The trie's _Node objects (slots: children, payloads) are read from C; a name
 * spelled like a lexicon word is handed to trie.py's _reads_as_name, and only between
 * walks, never while a container is being read. Matches go into a new list, so a
 * decline (None) leaves nothing half done and trie.py walks in Python instead.
 */

static PyTypeObject *trie_node_type, *trie_token_type, *trie_match_type;
static PyObject *trie_exact_how, *trie_reads_as_name, *name_children, *name_payloads;

/* A tuple subclass with no fields of its own, as _coreload's callers pass them. */
static int
is_bare_tuple_type(PyObject *type)
{
    return PyType_Check(type) && type != (PyObject *)&PyTuple_Type
           && PyType_IsSubtype((PyTypeObject *)type, &PyTuple_Type)
           && ((PyTypeObject *)type)->tp_basicsize == PyTuple_Type.tp_basicsize
           && ((PyTypeObject *)type)->tp_itemsize == PyTuple_Type.tp_itemsize
           && ((PyTypeObject *)type)->tp_dictoffset == 0;
}

/* A TrieMatch (first, last, start, end, payload, how, form), as tuple.__new__ makes it. */
static PyObject *
new_match(Py_ssize_t first, Py_ssize_t last, PyObject *start, PyObject *end,
          PyObject *payload, PyObject *form)
{
    PyObject *match = trie_match_type->tp_alloc(trie_match_type, 7);
    if (match == NULL) {
        return NULL;
    }
    PyObject *a = PyLong_FromSsize_t(first);
    PyObject *b = PyLong_FromSsize_t(last);
    if (a == NULL || b == NULL) {
        Py_XDECREF(a);
        Py_XDECREF(b);
        Py_DECREF(match);
        return NULL;
    }
    PyTuple_SET_ITEM(match, 0, a);
    PyTuple_SET_ITEM(match, 1, b);
    PyTuple_SET_ITEM(match, 2, Py_NewRef(start));
    PyTuple_SET_ITEM(match, 3, Py_NewRef(end));
    PyTuple_SET_ITEM(match, 4, Py_NewRef(payload));
    PyTuple_SET_ITEM(match, 5, Py_NewRef(trie_exact_how));
    PyTuple_SET_ITEM(match, 6, Py_NewRef(form));
    return match;
}

/* A node's children dict and payloads list (new references), or DECLINED. */
static int
node_parts(PyObject *node, PyObject **children, PyObject **payloads)
{
    *children = *payloads = NULL;
    if (!Py_IS_TYPE(node, trie_node_type)) {
        return DECLINED;
    }
    *children = PyObject_GetAttr(node, name_children);
    if (*children == NULL) {
        return FAILED;
    }
    *payloads = PyObject_GetAttr(node, name_payloads);
    if (*payloads == NULL) {
        Py_CLEAR(*children);
        return FAILED;
    }
    if (!PyDict_CheckExact(*children) || !PyList_CheckExact(*payloads)) {
        Py_CLEAR(*children);
        Py_CLEAR(*payloads);
        return DECLINED;
    }
    return DONE;
}

/* Where a walk's matches go: a list of TrieMatch (scan), or scan_ends' grouping
 * {first: {payload: {last, ...}}}, which needs no match tuple and no phrase form. */
typedef struct {
    PyObject *found;
    PyObject *ends;
} Sink;

/* _group of one match: ends[first][payload] gains last (dicts and sets made on need).
 * Hashing a payload may run Python code: every container here is held while it does. */
static int
group_add(PyObject *ends, Py_ssize_t first, Py_ssize_t last, PyObject *payload)
{
    PyObject *key = PyLong_FromSsize_t(first);
    if (key == NULL) {
        return FAILED;
    }
    PyObject *by_payload = PyDict_GetItemWithError(ends, key);
    if (by_payload != NULL) {
        Py_INCREF(by_payload);
    }
    else if (PyErr_Occurred() || (by_payload = PyDict_New()) == NULL
             || PyDict_SetItem(ends, key, by_payload) < 0) {
        Py_XDECREF(by_payload);
        Py_DECREF(key);
        return FAILED;
    }
    Py_DECREF(key);
    PyObject *lasts = PyDict_GetItemWithError(by_payload, payload);
    if (lasts != NULL) {
        Py_INCREF(lasts);
    }
    else if (PyErr_Occurred() || (lasts = PySet_New(NULL)) == NULL
             || PyDict_SetItem(by_payload, payload, lasts) < 0) {
        Py_XDECREF(lasts);
        Py_DECREF(by_payload);
        return FAILED;
    }
    Py_DECREF(by_payload);
    PyObject *end = PyLong_FromSsize_t(last);
    int failed = end == NULL || PySet_Add(lasts, end) < 0;
    Py_XDECREF(end);
    Py_DECREF(lasts);
    return failed ? FAILED : DONE;
}

/* One match per payload (the list is re-read each step: appending or hashing may run
 * Python code). */
static int
add_payloads(Sink *sink, PyObject *payloads, Py_ssize_t first, Py_ssize_t last,
             PyObject *start, PyObject *end, PyObject *form)
{
    for (Py_ssize_t k = 0; k < PyList_GET_SIZE(payloads); k++) {
        PyObject *payload = Py_NewRef(PyList_GET_ITEM(payloads, k));
        if (sink->ends != NULL) {
            int status = group_add(sink->ends, first, last, payload);
            Py_DECREF(payload);
            TRY(status);
            continue;
        }
        PyObject *match = new_match(first, last, start, end, payload, form);
        Py_DECREF(payload);
        if (match == NULL) {
            return FAILED;
        }
        int failed = PyList_Append(sink->found, match);
        Py_DECREF(match);
        if (failed < 0) {
            return FAILED;
        }
    }
    return DONE;
}

/* Field k of token i (borrowed; tokens is an exact tuple of exact Tokens). */
#define FIELD(tokens, i, k) PyTuple_GET_ITEM(PyTuple_GET_ITEM((tokens), (i)), (k))
enum { T_INDEX, T_START, T_END, T_NORM, T_VARIANTS, T_MASK, T_GLUE };

typedef struct {
    PyObject *node;
    PyObject *form;
} Step;

static void
drop_steps(Step *steps, Py_ssize_t count)
{
    for (Py_ssize_t k = 0; k < count; k++) {
        Py_DECREF(steps[k].node);
        Py_XDECREF(steps[k].form);
    }
    PyMem_Free(steps);
}

/* TokenTrie._extend with how EXACT: the entries at ``node`` (when ``single``) and every
 * phrase going on from token i through glued tokens. */
static int
extend_exact(PyObject *tokens, Py_ssize_t count, Py_ssize_t i, PyObject *node,
             PyObject *children, PyObject *payloads, int single, Sink *found)
{
    PyObject *start = FIELD(tokens, i, T_START);
    PyObject *norm = FIELD(tokens, i, T_NORM);
    if (single) {
        TRY(add_payloads(found, payloads, i, i, start, FIELD(tokens, i, T_END), norm));
    }
    if (PyDict_GET_SIZE(children) == 0) {
        return DONE;
    }
    Step *frontier = PyMem_Malloc(sizeof(Step));
    if (frontier == NULL) {
        PyErr_NoMemory();
        return FAILED;
    }
    frontier[0].node = Py_NewRef(node);
    frontier[0].form = Py_NewRef(norm);
    Py_ssize_t size = 1;
    int status = DONE;
    for (Py_ssize_t j = i; size > 0 && j + 1 < count && FIELD(tokens, j + 1, T_GLUE) == Py_True;
         j++) {
        PyObject *next_norm = FIELD(tokens, j + 1, T_NORM);
        PyObject *next_end = FIELD(tokens, j + 1, T_END);
        Step *next = NULL;
        Py_ssize_t next_size = 0;
        for (Py_ssize_t k = 0; k < size && status == DONE; k++) {
            PyObject *current_children, *current_payloads, *child_children, *child_payloads;
            status = node_parts(frontier[k].node, &current_children, &current_payloads);
            if (status != DONE) {
                break;
            }
            Py_DECREF(current_payloads);
            PyObject *child = PyDict_GetItemWithError(current_children, next_norm);
            Py_XINCREF(child);
            Py_DECREF(current_children);
            if (child == NULL) {
                status = PyErr_Occurred() ? FAILED : DONE;
                continue;
            }
            status = node_parts(child, &child_children, &child_payloads);
            if (status != DONE) {
                Py_DECREF(child);
                break;
            }
            /* the phrase as written so far; grouping needs no form */
            PyObject *joined = found->ends != NULL
                                   ? Py_NewRef(Py_None)
                                   : PyUnicode_FromFormat("%U %U", frontier[k].form, next_norm);
            if (joined == NULL) {
                status = FAILED;
            }
            else {
                status = add_payloads(found, child_payloads, i, j + 1, start, next_end, joined);
            }
            if (status == DONE && PyDict_GET_SIZE(child_children) > 0) {
                Step *grown = PyMem_Realloc(next, (size_t)(next_size + 1) * sizeof(Step));
                if (grown == NULL) {
                    PyErr_NoMemory();
                    status = FAILED;
                }
                else {
                    next = grown;
                    next[next_size].node = Py_NewRef(child);
                    next[next_size].form = Py_NewRef(joined);
                    next_size++;
                }
            }
            Py_XDECREF(joined);
            Py_DECREF(child_children);
            Py_DECREF(child_payloads);
            Py_DECREF(child);
        }
        drop_steps(frontier, size);
        frontier = next;
        size = next_size;
        if (status != DONE) {
            break;
        }
    }
    drop_steps(frontier, size);
    return status;
}

/* Whether token i, a name spelled like a lexicon word, reads as that name here: 1, 0,
 * or -1 with an exception (trie.py's _reads_as_name, called with no container open). */
static int
reads_as_name(PyObject *tokens, Py_ssize_t i, PyObject *original)
{
    PyObject *index = PyLong_FromSsize_t(i);
    if (index == NULL) {
        return -1;
    }
    PyObject *answer = PyObject_CallFunctionObjArgs(trie_reads_as_name, tokens, index, original,
                                                    NULL);
    Py_DECREF(index);
    if (answer == NULL) {
        return -1;
    }
    int truth = PyObject_IsTrue(answer);
    Py_DECREF(answer);
    return truth;
}

/* Whether every token is an exact Token of plain fields and no token has variants or
 * a mask (the exact walk's precondition, checked rather than trusted). */
static int
tokens_are_exact(PyObject *tokens)
{
    Py_ssize_t count = PyTuple_GET_SIZE(tokens);
    for (Py_ssize_t i = 0; i < count; i++) {
        PyObject *token = PyTuple_GET_ITEM(tokens, i);
        if (!Py_IS_TYPE(token, trie_token_type) || PyTuple_GET_SIZE(token) != 7) {
            return 0;
        }
        PyObject *variants = PyTuple_GET_ITEM(token, T_VARIANTS);
        PyObject *glue = PyTuple_GET_ITEM(token, T_GLUE);
        if (!PyLong_CheckExact(PyTuple_GET_ITEM(token, T_START))
            || !PyLong_CheckExact(PyTuple_GET_ITEM(token, T_END))
            || !PyUnicode_CheckExact(PyTuple_GET_ITEM(token, T_NORM))
            || !PyTuple_CheckExact(variants) || PyTuple_GET_SIZE(variants) != 0
            || PyTuple_GET_ITEM(token, T_MASK) != Py_None
            || (glue != Py_True && glue != Py_False)) {
            return 0;
        }
    }
    return 1;
}

/* One position of the walk (trie.py's loop body); ``node`` is owned by the caller. */
static int
exact_at(PyObject *tokens, Py_ssize_t count, Py_ssize_t i, PyObject *node, PyObject *names,
         PyObject *original, Sink *found)
{
    PyObject *children, *payloads;
    TRY(node_parts(node, &children, &payloads));
    PyObject *norm = FIELD(tokens, i, T_NORM);
    int status = DONE;
    if (PyDict_GET_SIZE(children) == 0 && found->ends != NULL
        && PyList_GET_SIZE(payloads) == 0) {
        /* scan_ends passes over an entry-less leaf before any name check */
    }
    else if (PyDict_GET_SIZE(children) == 0) {
        int named = PySet_Contains(names, norm);
        if (named > 0) {
            named = reads_as_name(tokens, i, original);
        }
        if (named < 0) {
            status = FAILED;
        }
        else if (!named) {
            status = add_payloads(found, payloads, i, i, FIELD(tokens, i, T_START),
                                  FIELD(tokens, i, T_END), norm);
        }
    }
    else {
        int go = PyList_GET_SIZE(payloads) > 0;
        if (!go && i + 1 < count && FIELD(tokens, i + 1, T_GLUE) == Py_True) {
            go = PyDict_Contains(children, FIELD(tokens, i + 1, T_NORM));
        }
        int named = 0;
        if (go > 0 && PyList_GET_SIZE(payloads) > 0) {
            named = PySet_Contains(names, norm);
            if (named > 0) {
                named = reads_as_name(tokens, i, original);
            }
        }
        if (go < 0 || named < 0) {
            status = FAILED;
        }
        else if (go) {
            status = extend_exact(tokens, count, i, node, children, payloads, !named, found);
        }
    }
    Py_DECREF(children);
    Py_DECREF(payloads);
    return status;
}

PyDoc_STRVAR(trie_exact_doc,
"trie_exact(tokens, nodes, positions, names, original, /)\n--\n\n"
"TokenTrie._scan_exact's matches as a new list, for tokens without variants or masks;\n"
"None when anything is not as trie.py makes it (then the Python walk runs).");

static PyObject *
trie_exact(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    (void)module;
    if (nargs != 5) {
        PyErr_SetString(PyExc_TypeError, "trie_exact() takes 5 arguments");
        return NULL;
    }
    PyObject *tokens = args[0], *names = args[3], *original = args[4];
    if (trie_node_type == NULL || !PyTuple_CheckExact(tokens) || !PyList_CheckExact(args[1])
        || !PyList_CheckExact(args[2]) || !PyFrozenSet_CheckExact(names)
        || !PyUnicode_CheckExact(original) || !tokens_are_exact(tokens)) {
        Py_RETURN_NONE;
    }
    Py_ssize_t count = PyTuple_GET_SIZE(tokens);
    /* Owned copies: a name check runs Python code between positions. */
    PyObject *nodes = PyList_GetSlice(args[1], 0, PyList_GET_SIZE(args[1]));
    PyObject *positions = PyList_GetSlice(args[2], 0, PyList_GET_SIZE(args[2]));
    PyObject *found = PyList_New(0);
    Sink sink = {found, NULL};
    int status = nodes == NULL || positions == NULL || found == NULL ? FAILED : DONE;
    if (status == DONE && PyList_GET_SIZE(nodes) != count) {
        status = DECLINED;
    }
    for (Py_ssize_t k = 0; status == DONE && k < PyList_GET_SIZE(positions); k++) {
        PyObject *position = PyList_GET_ITEM(positions, k);
        Py_ssize_t i = PyLong_CheckExact(position) ? PyLong_AsSsize_t(position) : -1;
        if (i == -1 && PyErr_Occurred()) {
            PyErr_Clear();
        }
        if (i < 0 || i >= count) {
            status = DECLINED;
            break;
        }
        status = exact_at(tokens, count, i, PyList_GET_ITEM(nodes, i), names, original, &sink);
    }
    Py_XDECREF(nodes);
    Py_XDECREF(positions);
    if (status == DONE) {
        return found;
    }
    Py_XDECREF(found);
    if (status == DECLINED) {
        Py_RETURN_NONE;
    }
    return NULL;
}

/* scan's and scan_ends' exact walk from the root, preamble included: each token's node
 * (the root's child for its norm) found here rather than by map() in Python, then the
 * walk of every position that has one, into ``sink``. */
static int
walk_from_root(PyObject *root, PyObject *tokens, PyObject *names, PyObject *original,
               Sink *sink)
{
    PyObject *children, *payloads;
    TRY(node_parts(root, &children, &payloads));
    Py_DECREF(payloads);
    Py_ssize_t count = PyTuple_GET_SIZE(tokens);
    /* Owned: a name check runs Python code between positions. */
    PyObject **nodes = PyMem_Calloc((size_t)(count > 0 ? count : 1), sizeof(PyObject *));
    if (nodes == NULL) {
        Py_DECREF(children);
        PyErr_NoMemory();
        return FAILED;
    }
    int status = DONE;
    for (Py_ssize_t i = 0; i < count; i++) {
        /* exact str keys in an exact dict: no Python code runs in these lookups */
        PyObject *node = PyDict_GetItemWithError(children, FIELD(tokens, i, T_NORM));
        if (node == NULL && PyErr_Occurred()) {
            status = FAILED;
            break;
        }
        nodes[i] = Py_XNewRef(node);
    }
    Py_DECREF(children);
    for (Py_ssize_t i = 0; status == DONE && i < count; i++) {
        if (nodes[i] != NULL) {
            status = exact_at(tokens, count, i, nodes[i], names, original, sink);
        }
    }
    for (Py_ssize_t i = 0; i < count; i++) {
        Py_XDECREF(nodes[i]);
    }
    PyMem_Free(nodes);
    return status;
}

/* trie_scan and trie_ends: the checks, then the walk into a new list or dict. */
static PyObject *
trie_from_root(PyObject *const *args, Py_ssize_t nargs, int grouped, const char *name)
{
    if (nargs != 4) {
        PyErr_Format(PyExc_TypeError, "%s() takes 4 arguments", name);
        return NULL;
    }
    PyObject *root = args[0], *tokens = args[1], *names = args[2], *original = args[3];
    if (trie_node_type == NULL || !PyTuple_CheckExact(tokens) || !PyFrozenSet_CheckExact(names)
        || !PyUnicode_CheckExact(original) || !tokens_are_exact(tokens)) {
        Py_RETURN_NONE;
    }
    PyObject *out = grouped ? PyDict_New() : PyList_New(0);
    if (out == NULL) {
        return NULL;
    }
    Sink sink = {grouped ? NULL : out, grouped ? out : NULL};
    int status = walk_from_root(root, tokens, names, original, &sink);
    if (status == DONE) {
        return out;
    }
    Py_DECREF(out);
    if (status == DECLINED) {
        Py_RETURN_NONE;
    }
    return NULL;
}

PyDoc_STRVAR(trie_scan_doc,
"trie_scan(root, tokens, names, original, /)\n--\n\n"
"TokenTrie.scan's matches as a new list, for tokens without variants or masks and a\n"
"text without joined letters (the caller checks those), the root's children looked\n"
"up here; None when anything is not as trie.py makes it.");

static PyObject *
trie_scan(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    (void)module;
    return trie_from_root(args, nargs, 0, "trie_scan");
}

PyDoc_STRVAR(trie_ends_doc,
"trie_ends(root, tokens, names, original, /)\n--\n\n"
"TokenTrie.scan_ends of the same walk as trie_scan, as a new dict\n"
"{first: {payload: {last, ...}}} in scan_ends' order; None as trie_scan.");

static PyObject *
trie_ends(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    (void)module;
    return trie_from_root(args, nargs, 1, "trie_ends");
}

static void
clear_trie(void)
{
    Py_CLEAR(trie_node_type);
    Py_CLEAR(trie_token_type);
    Py_CLEAR(trie_match_type);
    Py_CLEAR(trie_exact_how);
    Py_CLEAR(trie_reads_as_name);
}

PyDoc_STRVAR(trie_setup_doc,
"trie_setup(node_type, token_type, match_type, exact, reads_as_name, /)\n--\n\n"
"Hand the exact walk trie.py's types, its EXACT label and its name check (trie.py does,\n"
"at import). Raises ValueError on anything else; until it succeeds trie_exact declines.");

static PyObject *
trie_setup(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    (void)module;
    if (nargs != 5) {
        PyErr_SetString(PyExc_TypeError, "trie_setup() takes 5 arguments");
        return NULL;
    }
    clear_trie();
    if (!PyType_Check(args[0]) || !is_bare_tuple_type(args[1]) || !is_bare_tuple_type(args[2])
        || !PyUnicode_CheckExact(args[3]) || !PyCallable_Check(args[4])) {
        PyErr_SetString(PyExc_ValueError,
                        "trie_setup(): a node type, two bare tuple types, a str and a callable");
        return NULL;
    }
    if (name_children == NULL) {
        name_children = PyUnicode_InternFromString("children");
        name_payloads = PyUnicode_InternFromString("payloads");
        if (name_children == NULL || name_payloads == NULL) {
            return NULL;
        }
    }
    trie_node_type = (PyTypeObject *)Py_NewRef(args[0]);
    trie_token_type = (PyTypeObject *)Py_NewRef(args[1]);
    trie_match_type = (PyTypeObject *)Py_NewRef(args[2]);
    trie_exact_how = Py_NewRef(args[3]);
    trie_reads_as_name = Py_NewRef(args[4]);
    Py_RETURN_NONE;
}

/* ---------------------------------------------------------------------------------
 * Layer 4 (round 10b): tokens.build_tokens of the general (non-plain) preparation path,
 * for a normalized view whose offsets are the identity and with no lookalike readings
 * (the caller checks both). A word of lowercase letters and apostrophes that none of
 * variants.analyze's tests can touch (no sign, no tripled or doubled letter where the
 * data reads it once, no swap, no pair: the plain tests on the word alone, each a
 * superset of analyze's regex) gets no variants and no mask without a call; any other
 * word goes to analyze (an lru_cache), and a gap with a non-ASCII char to is_glue.
 * Both run Python code, so the spans are copied first and the tokens go into a new
 * tuple: a decline (None) leaves nothing half done and tokens.py builds them instead.
 */

/* Whether analyze(word) is ((), None) without running it: see above. */
static int
word_is_simple(const unsigned char *s, Py_ssize_t n)
{
    for (Py_ssize_t i = 0; i < n; i++) {
        if (!is_letter(s[i]) && s[i] != '\'') {
            return 0;
        }
    }
    return !has_stretch(s, n) && !has_swap(s, n) && !has_pair(s, n);
}

/* A span's two bounds: 1 when they are exact ints with previous <= start < end <= size. */
static int
span_bounds(PyObject *span, Py_ssize_t previous, Py_ssize_t size, Py_ssize_t *start,
            Py_ssize_t *end)
{
    if (!PyTuple_CheckExact(span) || PyTuple_GET_SIZE(span) != 2
        || !PyLong_CheckExact(PyTuple_GET_ITEM(span, 0))
        || !PyLong_CheckExact(PyTuple_GET_ITEM(span, 1))) {
        return 0;
    }
    *start = PyLong_AsSsize_t(PyTuple_GET_ITEM(span, 0));
    *end = PyLong_AsSsize_t(PyTuple_GET_ITEM(span, 1));
    if ((*start == -1 || *end == -1) && PyErr_Occurred()) {
        PyErr_Clear(); /* beyond Py_ssize_t: not a span of this text */
        return 0;
    }
    return previous <= *start && *start < *end && *end <= size;
}

/* analyze(norm)'s (variants, mask) as new references: DONE, DECLINED (an answer of
 * another shape) or FAILED (it raised). */
static int
analysis_of(PyObject *analyze, PyObject *norm, PyObject **variants, PyObject **mask)
{
    *variants = *mask = NULL;
    if (PyUnicode_IS_ASCII(norm)
        && word_is_simple((const unsigned char *)PyUnicode_DATA(norm),
                          PyUnicode_GET_LENGTH(norm))) {
        *variants = Py_NewRef(plain_empty);
        *mask = Py_NewRef(Py_None);
        return DONE;
    }
    PyObject *answer = PyObject_CallOneArg(analyze, norm);
    if (answer == NULL) {
        return FAILED;
    }
    int fits = PyTuple_CheckExact(answer) && PyTuple_GET_SIZE(answer) == 2
               && PyTuple_CheckExact(PyTuple_GET_ITEM(answer, 0))
               && (PyTuple_GET_ITEM(answer, 1) == Py_None
                   || PyUnicode_CheckExact(PyTuple_GET_ITEM(answer, 1)));
    if (fits) {
        *variants = Py_NewRef(PyTuple_GET_ITEM(answer, 0));
        *mask = Py_NewRef(PyTuple_GET_ITEM(answer, 1));
    }
    Py_DECREF(answer);
    return fits ? DONE : DECLINED;
}

/* Whether a phrase may run across normalized[from:to]: 1, 0, DECLINED (is_glue gave no
 * bool) as 2, or -1 with an exception. */
static int
glue_of(PyObject *normalized, Py_ssize_t from, Py_ssize_t to, PyObject *glue)
{
    PyObject *gap = PyUnicode_Substring(normalized, from, to);
    if (gap == NULL) {
        return -1;
    }
    int answer;
    if (PyUnicode_IS_ASCII(gap)) {
        answer = is_glue_gap((const unsigned char *)PyUnicode_DATA(gap), PyUnicode_GET_LENGTH(gap));
    }
    else {
        PyObject *truth = PyObject_CallOneArg(glue, gap);
        answer = truth == NULL ? -1 : truth == Py_True ? 1 : truth == Py_False ? 0 : 2;
        Py_XDECREF(truth);
    }
    Py_DECREF(gap);
    return answer;
}

/* One Token of all seven fields; steals variants and mask. */
static PyObject *
full_token(Py_ssize_t index, Py_ssize_t start, Py_ssize_t end, PyObject *norm,
           PyObject *variants, PyObject *mask, int glue)
{
    PyObject *token = new_token(index, start, end, norm, glue);
    if (token == NULL) {
        Py_DECREF(variants);
        Py_DECREF(mask);
        return NULL;
    }
    Py_SETREF(((PyTupleObject *)token)->ob_item[T_VARIANTS], variants);
    Py_SETREF(((PyTupleObject *)token)->ob_item[T_MASK], mask);
    return token;
}

/* The tokens of ``spans`` (owned) into the new tuple ``tokens``. */
static int
tokens_of_spans(PyObject *normalized, PyObject *spans, PyObject *analyze, PyObject *glue,
                PyObject *tokens)
{
    Py_ssize_t size = PyUnicode_GET_LENGTH(normalized);
    Py_ssize_t previous_end = -1;
    for (Py_ssize_t k = 0; k < PyList_GET_SIZE(spans); k++) {
        Py_ssize_t start, end;
        if (!span_bounds(PyList_GET_ITEM(spans, k), previous_end > 0 ? previous_end : 0, size,
                         &start, &end)) {
            return DECLINED;
        }
        int glued = 0;
        if (previous_end >= 0) {
            glued = glue_of(normalized, previous_end, start, glue);
            if (glued < 0) {
                return FAILED;
            }
            if (glued > 1) {
                return DECLINED;
            }
        }
        PyObject *norm = PyUnicode_Substring(normalized, start, end);
        if (norm == NULL) {
            return FAILED;
        }
        PyObject *variants, *mask;
        int status = analysis_of(analyze, norm, &variants, &mask);
        if (status != DONE) {
            Py_DECREF(norm);
            return status;
        }
        PyObject *token = full_token(k, start, end, norm, variants, mask, glued);
        Py_DECREF(norm);
        if (token == NULL) {
            return FAILED;
        }
        PyTuple_SET_ITEM(tokens, k, token);
        previous_end = end;
    }
    return DONE;
}

/* A char of tokens._ASCII_RUN_RE's runs: a letter, a digit, a leet or mask sign, "'". */
static inline int
is_run_char(unsigned char c)
{
    return is_letter(c) || c == '\'' || (plain_flags[c] & F_SIGN);
}

/* Append (start, end) to ``spans``. */
static int
add_span(PyObject *spans, Py_ssize_t start, Py_ssize_t end)
{
    PyObject *span = Py_BuildValue("(nn)", start, end);
    if (span == NULL) {
        return FAILED;
    }
    int failed = PyList_Append(spans, span);
    Py_DECREF(span);
    return failed < 0 ? FAILED : DONE;
}

/* word_spans' step for one run s[start:end]: as it is when it begins and ends with a
 * letter or digit, else what tokens._trim makes of it (None: no word). */
static int
span_of_run(PyObject *normalized, const unsigned char *s, Py_ssize_t start, Py_ssize_t end,
            PyObject *trim, PyObject *spans)
{
    if (is_word_char(s[start]) && is_word_char(s[end - 1])) {
        return add_span(spans, start, end);
    }
    PyObject *run = PyUnicode_Substring(normalized, start, end);
    if (run == NULL) {
        return FAILED;
    }
    PyObject *bounds = PyObject_CallOneArg(trim, run);
    Py_DECREF(run);
    if (bounds == NULL) {
        return FAILED;
    }
    int status = DONE;
    if (bounds != Py_None) {
        Py_ssize_t i = -1, j = -1;
        if (PyTuple_CheckExact(bounds) && PyTuple_GET_SIZE(bounds) == 2
            && PyLong_CheckExact(PyTuple_GET_ITEM(bounds, 0))
            && PyLong_CheckExact(PyTuple_GET_ITEM(bounds, 1))) {
            i = PyLong_AsSsize_t(PyTuple_GET_ITEM(bounds, 0));
            j = PyLong_AsSsize_t(PyTuple_GET_ITEM(bounds, 1));
            if (PyErr_Occurred()) {
                PyErr_Clear();
                i = j = -1;
            }
        }
        /* _trim gives 0 <= i < j <= len(run); anything else is not ours to read */
        status = 0 <= i && i < j && j <= end - start ? add_span(spans, start + i, start + j)
                                                     : DECLINED;
    }
    Py_DECREF(bounds);
    return status;
}

PyDoc_STRVAR(word_spans_doc,
"word_spans(normalized, trim, /)\n--\n\n"
"tokens.word_spans of an ASCII view with identity offsets: the (start, end) of each\n"
"word, runs of word chars and signs split at '!!', trimmed by trim (tokens._trim) when\n"
"one does not begin and end with a letter or digit; None for a text that is not an\n"
"exact ASCII str, or before plain_setup.");

static PyObject *
word_spans(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    (void)module;
    if (nargs != 2) {
        PyErr_SetString(PyExc_TypeError, "word_spans() takes 2 arguments");
        return NULL;
    }
    PyObject *normalized = args[0];
    Py_ssize_t n;
    const unsigned char *s = ascii_of(normalized, &n);
    if (s == NULL || !is_ready() || !PyCallable_Check(args[1])) {
        Py_RETURN_NONE;
    }
    PyObject *spans = PyList_New(0);
    if (spans == NULL) {
        return NULL;
    }
    int status = DONE;
    for (Py_ssize_t i = 0; status == DONE && i < n;) {
        if (!is_run_char(s[i])) {
            i++;
            continue;
        }
        Py_ssize_t j = i;
        while (j < n && is_run_char(s[j])) {
            j++;
        }
        Py_ssize_t piece = i; /* the run split at each "!!+" (_runs) */
        for (Py_ssize_t k = i; status == DONE && k < j;) {
            if (s[k] == '!' && k + 1 < j && s[k + 1] == '!') {
                Py_ssize_t m = k;
                while (m < j && s[m] == '!') {
                    m++;
                }
                if (k > piece) {
                    status = span_of_run(normalized, s, piece, k, args[1], spans);
                }
                piece = k = m;
            }
            else {
                k++;
            }
        }
        if (status == DONE && piece < j) {
            status = span_of_run(normalized, s, piece, j, args[1], spans);
        }
        i = j;
    }
    if (status == DONE) {
        return spans;
    }
    Py_DECREF(spans);
    if (status == DECLINED) {
        Py_RETURN_NONE;
    }
    return NULL;
}

PyDoc_STRVAR(build_tokens_doc,
"build_tokens(normalized, spans, analyze, is_glue, /)\n--\n\n"
"tokens.build_tokens for identity offsets and no readings: the Token tuple of the\n"
"(start, end) spans, with analyze's variants and mask (called only for words that may\n"
"need them) and is_glue's answer for non-ASCII gaps; None for anything else, or\n"
"before plain_setup.");

static PyObject *
build_tokens(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    (void)module;
    if (nargs != 4) {
        PyErr_SetString(PyExc_TypeError, "build_tokens() takes 4 arguments");
        return NULL;
    }
    PyObject *normalized = args[0];
    if (!is_ready() || !PyUnicode_CheckExact(normalized) || !PyList_CheckExact(args[1])
        || !PyCallable_Check(args[2]) || !PyCallable_Check(args[3])) {
        Py_RETURN_NONE;
    }
    /* Owned: analyze and is_glue run Python code between spans. */
    PyObject *spans = PyList_GetSlice(args[1], 0, PyList_GET_SIZE(args[1]));
    if (spans == NULL) {
        return NULL;
    }
    PyObject *tokens = PyTuple_New(PyList_GET_SIZE(spans));
    int status = tokens == NULL ? FAILED : tokens_of_spans(normalized, spans, args[2], args[3], tokens);
    Py_DECREF(spans);
    if (status == DONE) {
        return tokens;
    }
    Py_XDECREF(tokens); /* unfilled items are NULL, which tuple dealloc skips */
    if (status == DECLINED) {
        Py_RETURN_NONE;
    }
    return NULL;
}

/* ---------------------------------------------------------------------------------
 * Layer 5 (round 11): which groups of literals occur in an ASCII text,
 * engine/literals.LiteralGroups.present. The pattern rules' prefilters are some 1,500
 * literals; pyahocorasick walks its automaton at about 100 instructions per char and
 * hands each of the ~26 hits of a comment to a Python loop. Here one pass reads, at
 * each position, the literal of its one char and the literal of its two chars (direct
 * tables), and the literals of 3+ chars in the bucket of its first three (a hash of
 * them: a few literals, each compared by its first eight chars as one 64-bit word,
 * then the rest); each found literal's group bits are ORed once, in 64-bit words, and
 * made an int at the end.
 *
 * literal_table(literals, masks, base) builds the table (a capsule, never pickled);
 * literal_mask(table, text) answers for an ASCII str and returns None for any other
 * text, which goes to the Python paths (the substring loop is the reference).
 * ------------------------------------------------------------------------------- */

#define PAIRS (128 * 128)
#define BUCKETS 4096
#define BUCKET(a, b, c) ((((unsigned int)(a) * 131u + (unsigned int)(b)) * 131u + (unsigned int)(c)) & (BUCKETS - 1))

typedef struct {
    Py_ssize_t count;
    char *blob;                 /* the literals' bytes, one after the other */
    Py_ssize_t *offset;         /* literal k: blob[offset[k] : offset[k] + length[k]] */
    Py_ssize_t *length;
    Py_ssize_t words;           /* 64-bit words per mask */
    uint64_t *mask;             /* literal k's group bits: mask[k * words : (k + 1) * words] */
    uint64_t *base;             /* the bits of the groups found in any text */
    int32_t single[128];        /* the literal of that one char, or -1 */
    int32_t pair[PAIRS];        /* the literal of chars a, b at a * 128 + b, or -1 */
    int32_t bucket[BUCKETS + 1]; /* literals of 3+ chars whose first three hash to h:
                                    order[bucket[h] : bucket[h + 1]] */
    int32_t *order;
    uint64_t *head;             /* literal k's first eight chars (or fewer), as a word */
    uint64_t *head_mask;        /* the bytes of head[k] that are the literal's */
} LiteralTable;

static const char *literal_capsule = "rhetoric._core.LiteralTable";

/* The first eight of size bytes (fewer: zeros after them) as a word, byte 0 lowest. */
static inline uint64_t
window(const unsigned char *bytes, Py_ssize_t size)
{
    uint64_t word = 0;
    for (Py_ssize_t b = (size < 8 ? size : 8) - 1; b >= 0; b--) {
        word = word << 8 | bytes[b];
    }
    return word;
}

/* words little-endian 64-bit words from bytes (byte 0 is the lowest). */
static void
read_words(uint64_t *into, const char *bytes, Py_ssize_t words)
{
    for (Py_ssize_t w = 0; w < words; w++) {
        uint64_t word = 0;
        for (int b = 7; b >= 0; b--) {
            word = word << 8 | (unsigned char)bytes[w * 8 + b];
        }
        into[w] = word;
    }
}

static void
literal_table_free(PyObject *capsule)
{
    LiteralTable *table = PyCapsule_GetPointer(capsule, literal_capsule);
    if (table == NULL) {
        PyErr_Clear();
        return;
    }
    PyMem_Free(table->mask);
    PyMem_Free(table->base);
    PyMem_Free(table->order);
    PyMem_Free(table->head);
    PyMem_Free(table->head_mask);
    PyMem_Free(table->offset);
    PyMem_Free(table->length);
    PyMem_Free(table->blob);
    PyMem_Free(table);
}

PyDoc_STRVAR(literal_table_doc,
"literal_table(literals, masks, base, /)\n--\n\n"
"The table literal_mask reads: literals a tuple of distinct non-empty ASCII str in\n"
"ascending order, masks a tuple of as many bytes (each literal's group bits, little\n"
"endian), base a bytes (the bits of groups found in every text), all of one length, a\n"
"multiple of 8. ValueError for anything else.");

static PyObject *
literal_table(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    (void)module;
    if (nargs != 3) {
        PyErr_SetString(PyExc_TypeError, "literal_table() takes 3 arguments");
        return NULL;
    }
    PyObject *literals = args[0], *masks = args[1], *base = args[2];
    if (!PyTuple_CheckExact(literals) || !PyTuple_CheckExact(masks) || !PyBytes_CheckExact(base)
        || PyTuple_GET_SIZE(literals) != PyTuple_GET_SIZE(masks)
        || PyTuple_GET_SIZE(literals) > INT32_MAX - 1 || PyBytes_GET_SIZE(base) % 8 != 0) {
        PyErr_SetString(PyExc_ValueError,
                        "literal_table() needs two tuples of one size and bytes of 8n bytes");
        return NULL;
    }
    Py_ssize_t width = PyBytes_GET_SIZE(base);
    Py_ssize_t count = PyTuple_GET_SIZE(literals);
    Py_ssize_t total = 0;
    for (Py_ssize_t k = 0; k < count; k++) {
        PyObject *literal = PyTuple_GET_ITEM(literals, k);
        if (!PyUnicode_CheckExact(literal) || !PyUnicode_IS_ASCII(literal)
            || PyUnicode_GET_LENGTH(literal) == 0 || !PyBytes_CheckExact(PyTuple_GET_ITEM(masks, k))
            || PyBytes_GET_SIZE(PyTuple_GET_ITEM(masks, k)) != width) {
            PyErr_SetString(PyExc_ValueError,
                            "literal_table() needs non-empty ASCII str and bytes masks of one length");
            return NULL;
        }
        if (k > 0) {
            int order = PyUnicode_Compare(PyTuple_GET_ITEM(literals, k - 1), literal);
            if (order == -1 && PyErr_Occurred()) {
                return NULL;
            }
            if (order >= 0) {
                PyErr_SetString(PyExc_ValueError, "literal_table() needs distinct literals in ascending order");
                return NULL;
            }
        }
        total += PyUnicode_GET_LENGTH(literal);
    }
    LiteralTable *table = PyMem_Calloc(1, sizeof(LiteralTable));
    if (table == NULL) {
        return PyErr_NoMemory();
    }
    PyObject *capsule = PyCapsule_New(table, literal_capsule, literal_table_free);
    if (capsule == NULL) {
        PyMem_Free(table);
        return NULL;
    }
    /* From here the capsule owns the table: freeing it frees what is filled in. */
    size_t slots = count > 0 ? (size_t)count : 1;
    table->blob = PyMem_Malloc(total > 0 ? (size_t)total : 1);
    table->offset = PyMem_Calloc(slots, sizeof(Py_ssize_t));
    table->length = PyMem_Calloc(slots, sizeof(Py_ssize_t));
    Py_ssize_t words = width / 8;
    table->mask = PyMem_Calloc(slots * (size_t)(words > 0 ? words : 1), sizeof(uint64_t));
    table->base = PyMem_Calloc((size_t)(words > 0 ? words : 1), sizeof(uint64_t));
    if (table->blob == NULL || table->offset == NULL || table->length == NULL || table->mask == NULL
        || table->base == NULL) {
        Py_DECREF(capsule);
        return PyErr_NoMemory();
    }
    table->count = count;
    table->words = words;
    read_words(table->base, PyBytes_AS_STRING(base), words);
    for (int c = 0; c < 128; c++) {
        table->single[c] = -1;
    }
    for (int key = 0; key < PAIRS; key++) {
        table->pair[key] = -1;
    }
    table->order = PyMem_Calloc(slots, sizeof(int32_t));
    table->head = PyMem_Calloc(slots, sizeof(uint64_t));
    table->head_mask = PyMem_Calloc(slots, sizeof(uint64_t));
    if (table->order == NULL || table->head == NULL || table->head_mask == NULL) {
        Py_DECREF(capsule);
        return PyErr_NoMemory();
    }
    Py_ssize_t at = 0;
    for (Py_ssize_t k = 0; k < count; k++) {
        PyObject *literal = PyTuple_GET_ITEM(literals, k);
        Py_ssize_t size = PyUnicode_GET_LENGTH(literal);
        const unsigned char *bytes = PyUnicode_1BYTE_DATA(literal);
        memcpy(table->blob + at, bytes, (size_t)size);
        table->offset[k] = at;
        table->length[k] = size;
        at += size;
        read_words(table->mask + k * words, PyBytes_AS_STRING(PyTuple_GET_ITEM(masks, k)), words);
        table->head[k] = window(bytes, size);
        table->head_mask[k] = size >= 8 ? ~(uint64_t)0 : ((uint64_t)1 << (8 * size)) - 1;
        if (size == 1) {
            table->single[bytes[0]] = (int32_t)k;
        } else if (size == 2) {
            table->pair[bytes[0] * 128 + bytes[1]] = (int32_t)k;
        } else {
            table->bucket[BUCKET(bytes[0], bytes[1], bytes[2]) + 1]++;
        }
    }
    /* Counts per bucket to starts, then each literal of 3+ chars in its bucket's run. */
    for (int h = 0; h < BUCKETS; h++) {
        table->bucket[h + 1] += table->bucket[h];
    }
    int32_t filled[BUCKETS];
    memcpy(filled, table->bucket, sizeof(filled));
    for (Py_ssize_t k = 0; k < count; k++) {
        if (table->length[k] >= 3) {
            const unsigned char *bytes = (const unsigned char *)table->blob + table->offset[k];
            table->order[filled[BUCKET(bytes[0], bytes[1], bytes[2])]++] = (int32_t)k;
        }
    }
    return capsule;
}

/* The non-negative int of words little-endian 64-bit words. */
static PyObject *
words_to_int(const uint64_t *words, Py_ssize_t count)
{
    while (count > 0 && words[count - 1] == 0) {
        count--;
    }
    if (count <= 1) {
        return PyLong_FromUnsignedLongLong(count ? words[0] : 0);
    }
    unsigned char bytes_here[512];
    unsigned char *bytes = bytes_here;
    if (count * 8 > (Py_ssize_t)sizeof(bytes_here)) {
        bytes = PyMem_Malloc((size_t)count * 8);
        if (bytes == NULL) {
            return PyErr_NoMemory();
        }
    }
    for (Py_ssize_t w = 0; w < count; w++) {
        for (int b = 0; b < 8; b++) {
            bytes[w * 8 + b] = (unsigned char)(words[w] >> (8 * b));
        }
    }
#if PY_VERSION_HEX >= 0x030D0000
    PyObject *result = PyLong_FromUnsignedNativeBytes(
        bytes, (size_t)count * 8, Py_ASNATIVEBYTES_LITTLE_ENDIAN | Py_ASNATIVEBYTES_UNSIGNED_BUFFER);
#else
    PyObject *result = _PyLong_FromByteArray(bytes, (size_t)count * 8, 1, 0);
#endif
    if (bytes != bytes_here) {
        PyMem_Free(bytes);
    }
    return result;
}

PyDoc_STRVAR(literal_mask_doc,
"literal_mask(table, text, /)\n--\n\n"
"LiteralGroups.present for an ASCII str: base | the masks of the table's literals\n"
"that occur in text; None when text is not an ASCII str.");

static PyObject *
literal_mask(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    (void)module;
    if (nargs != 2) {
        PyErr_SetString(PyExc_TypeError, "literal_mask() takes 2 arguments");
        return NULL;
    }
    LiteralTable *table = PyCapsule_GetPointer(args[0], literal_capsule);
    if (table == NULL) {
        return NULL;
    }
    PyObject *text = args[1];
    if (!PyUnicode_CheckExact(text) || !PyUnicode_IS_ASCII(text)) {
        Py_RETURN_NONE;
    }
    const unsigned char *s = PyUnicode_1BYTE_DATA(text);
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    /* seen[k]: literal k was found; found[0 : hits]: those literals, each once. */
    unsigned char seen_here[2048];
    int32_t found_here[2048];
    unsigned char *seen = seen_here;
    int32_t *found = found_here;
    if (table->count > (Py_ssize_t)sizeof(seen_here)) {
        seen = PyMem_Calloc((size_t)table->count, 1);
        found = PyMem_Calloc((size_t)table->count, sizeof(int32_t));
        if (seen == NULL || found == NULL) {
            PyMem_Free(seen);
            PyMem_Free(found);
            return PyErr_NoMemory();
        }
    } else {
        memset(seen, 0, (size_t)table->count);
    }
    Py_ssize_t hits = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        unsigned char c = s[i];
        int32_t k = table->single[c];
        if (k >= 0 && !seen[k]) {
            seen[k] = 1;
            found[hits++] = k;
        }
        if (i + 1 == n) {
            break;
        }
        k = table->pair[c * 128 + s[i + 1]];
        if (k >= 0 && !seen[k]) {
            seen[k] = 1;
            found[hits++] = k;
        }
        if (i + 2 == n) {
            continue;
        }
        unsigned int h = BUCKET(c, s[i + 1], s[i + 2]);
        int32_t j = table->bucket[h], stop = table->bucket[h + 1];
        if (j == stop) {
            continue;
        }
        Py_ssize_t rest = n - i;
        uint64_t here;
#if PY_LITTLE_ENDIAN
        if (rest >= 8) {
            memcpy(&here, s + i, 8); /* one load: byte 0 lowest, as window() builds it */
        } else {
            here = window(s + i, rest);
        }
#else
        here = window(s + i, rest);
#endif
        for (; j < stop; j++) {
            k = table->order[j];
            Py_ssize_t size = table->length[k];
            if ((here & table->head_mask[k]) == table->head[k] && !seen[k] && size <= rest
                && (size <= 8
                    || memcmp(table->blob + table->offset[k] + 8, s + i + 8, (size_t)size - 8) == 0)) {
                seen[k] = 1;
                found[hits++] = k;
            }
        }
    }
    Py_ssize_t words = table->words;
    uint64_t acc_here[64];
    uint64_t *acc = acc_here;
    if (words > 64) {
        acc = PyMem_Malloc((size_t)words * sizeof(uint64_t));
        if (acc == NULL) {
            if (seen != seen_here) {
                PyMem_Free(seen);
                PyMem_Free(found);
            }
            return PyErr_NoMemory();
        }
    }
    memcpy(acc, table->base, (size_t)words * sizeof(uint64_t));
    for (Py_ssize_t j = 0; j < hits; j++) {
        const uint64_t *mask = table->mask + (Py_ssize_t)found[j] * words;
        for (Py_ssize_t w = 0; w < words; w++) {
            acc[w] |= mask[w];
        }
    }
    PyObject *result = words_to_int(acc, words);
    if (acc != acc_here) {
        PyMem_Free(acc);
    }
    if (seen != seen_here) {
        PyMem_Free(seen);
        PyMem_Free(found);
    }
    return result;
}

/* ---------------------------------------------------------------------------------
 * Layer 6 (round 12): requirements over a comment's words, as word ids and int32s.
 *
 * anchor_fire is engine/anchors.AnchorIndex.may_fire: whether a comment's words meet
 * any rule's anchor requirement. The Python test builds a set per kind of requirement
 * (keys & words) and runs a loop per requirement, ~27 k instructions a comment; here
 * each word is one lookup of its id (str hashes are cached) and each requirement a
 * walk over int32s (anchors.requirement_table documents the layout).
 *
 * template_choice is engine/sequence.TemplateIndex._select's loop: the ranks of the
 * templates whose key word or class occurs and all of whose mandatory classes and
 * words do (sequence.choice_table documents its layout).
 *
 * Both answer None when they decline (a table of another byte order, or none): the
 * Python code answers then, and is the reference.
 * ------------------------------------------------------------------------------- */

#define ANCHOR_MAGIC 0x52480001
#define CHOICE_MAGIC 0x52480002

/* table[k] (4-byte aligned or not: bytes objects are, but a memcpy costs nothing). */
static inline int32_t
int32_at(const char *table, Py_ssize_t k)
{
    int32_t value;
    memcpy(&value, table + 4 * k, 4);
    return value;
}

/* The ids present in a comment: a bit each, and the list of them (each once). */
typedef struct {
    int32_t n;          /* ids are 0 .. n - 1 */
    uint64_t *bits;
    int32_t *present;
    Py_ssize_t count, room;
    uint64_t bits_here[256];
    int32_t present_here[256];
} Held;

static int
held_init(Held *held, int32_t n)
{
    Py_ssize_t chunks = ((Py_ssize_t)n + 63) / 64;
    held->n = n;
    held->count = 0;
    held->room = 256;
    held->present = held->present_here;
    held->bits = held->bits_here;
    if (chunks > 256) {
        held->bits = PyMem_Calloc((size_t)chunks, sizeof(uint64_t));
        if (held->bits == NULL) {
            PyErr_NoMemory();
            return -1;
        }
    } else {
        memset(held->bits, 0, (size_t)chunks * sizeof(uint64_t));
    }
    return 0;
}

static void
held_free(Held *held)
{
    if (held->bits != held->bits_here) {
        PyMem_Free(held->bits);
    }
    if (held->present != held->present_here) {
        PyMem_Free(held->present);
    }
}

/* Mark the id of ``word`` in ``ids`` (a word without one is not in any requirement). */
static int
held_add(Held *held, PyObject *ids, PyObject *word)
{
    PyObject *value = PyDict_GetItemWithError(ids, word);
    if (value == NULL) {
        return PyErr_Occurred() ? -1 : 0;
    }
    long id = PyLong_CheckExact(value) ? PyLong_AsLong(value) : -1;
    if (id < 0 || id >= held->n) {
        PyErr_Clear();
        PyErr_SetString(PyExc_ValueError, "a word's id is not in the table");
        return -1;
    }
    if (held->bits[id >> 6] >> (id & 63) & 1) {
        return 0;
    }
    held->bits[id >> 6] |= (uint64_t)1 << (id & 63);
    if (held->count == held->room) {
        int32_t *more = PyMem_Malloc((size_t)held->room * 2 * sizeof(int32_t));
        if (more == NULL) {
            PyErr_NoMemory();
            return -1;
        }
        memcpy(more, held->present, (size_t)held->count * sizeof(int32_t));
        if (held->present != held->present_here) {
            PyMem_Free(held->present);
        }
        held->present = more;
        held->room *= 2;
    }
    held->present[held->count++] = (int32_t)id;
    return 0;
}

/* Mark the ids of every word of ``words`` (a set walked directly, else any iterable). */
static int
held_add_all(Held *held, PyObject *ids, PyObject *words)
{
#if PY_VERSION_HEX < 0x030D0000
    if (PyAnySet_CheckExact(words)) {
        Py_ssize_t pos = 0;
        PyObject *word;
        Py_hash_t hash;
        while (_PySet_NextEntry(words, &pos, &word, &hash)) {
            if (held_add(held, ids, word) < 0) {
                return -1;
            }
        }
        return 0;
    }
#endif
    PyObject *walk = PyObject_GetIter(words);
    if (walk == NULL) {
        return -1;
    }
    PyObject *word;
    while ((word = PyIter_Next(walk)) != NULL) {
        int status = held_add(held, ids, word);
        Py_DECREF(word);
        if (status < 0) {
            Py_DECREF(walk);
            return -1;
        }
    }
    Py_DECREF(walk);
    return PyErr_Occurred() ? -1 : 0;
}

static int
table_bad(void)
{
    PyErr_SetString(PyExc_ValueError, "the table points outside itself");
    return -1;
}

/* Whether the option at t[at] (a length, then ascending ids) has an id held: 1, 0, or
 * -1 with ValueError when the table points outside itself. A long option (a word
 * class's anchors) is searched for the held ids instead, as set.isdisjoint walks the
 * smaller set. */
static int
option_held(const char *t, Py_ssize_t size, const Held *held, Py_ssize_t at)
{
    if (at < 0 || at >= size) {
        return table_bad();
    }
    int32_t length = int32_at(t, at);
    if (length < 0 || at + 1 + (Py_ssize_t)length > size) {
        return table_bad();
    }
    if (length > 8 * held->count) {
        for (Py_ssize_t k = 0; k < held->count; k++) {
            Py_ssize_t low = at + 1, high = at + 1 + length;
            while (low < high) {
                Py_ssize_t mid = low + (high - low) / 2;
                int32_t id = int32_at(t, mid);
                if (id == held->present[k]) {
                    return 1;
                }
                if (id < held->present[k]) {
                    low = mid + 1;
                } else {
                    high = mid;
                }
            }
        }
        return 0;
    }
    for (int32_t w = 0; w < length; w++) {
        int32_t id = int32_at(t, at + 1 + w);
        if (id < 0 || id >= held->n) {
            return table_bad();
        }
        if (held->bits[id >> 6] >> (id & 63) & 1) {
            return 1;
        }
    }
    return 0;
}

/* The table's header: its size in int32s and its id count; 0 to decline (empty, or
 * another magic number: another byte order), -1 with ValueError when cut short. */
static int
table_header(PyObject *table, int32_t magic, Py_ssize_t *size, int32_t *n)
{
    *size = PyBytes_GET_SIZE(table) / 4;
    const char *t = PyBytes_AS_STRING(table);
    if (*size < 2 || int32_at(t, 0) != magic) {
        return 0;
    }
    *n = int32_at(t, 1);
    if (*n < 0 || PyBytes_GET_SIZE(table) % 4 != 0 || 3 + (Py_ssize_t)*n > *size) {
        PyErr_SetString(PyExc_ValueError, "the table is cut short");
        return -1;
    }
    return 1;
}

/* The entries of held id ``id``: t[*lo : *hi]. */
static int
entries_of(const char *t, Py_ssize_t size, int32_t id, Py_ssize_t *lo, Py_ssize_t *hi)
{
    *lo = int32_at(t, 2 + id);
    *hi = int32_at(t, 3 + id);
    if (*lo < 0 || *hi < *lo || *hi > size) {
        return table_bad();
    }
    return 0;
}

/* Whether the requirements at t[lo:hi] hold one met by the held ids: 1, 0, or -1. */
static int
anchor_met(const char *t, Py_ssize_t size, const Held *held, Py_ssize_t lo, Py_ssize_t hi)
{
    while (lo < hi) {
        if (lo + 2 > hi) {
            return table_bad();
        }
        int32_t needed = int32_at(t, lo), count = int32_at(t, lo + 1);
        if (count < 0 || lo + 2 + count > hi) {
            return table_bad();
        }
        if (needed <= 0) {
            return 1;
        }
        int32_t spare = count - needed; /* options that may be missing */
        int32_t missing = 0;
        for (int32_t j = 0; j < count && missing <= spare; j++) {
            int found = option_held(t, size, held, int32_at(t, lo + 2 + j));
            if (found < 0) {
                return -1;
            }
            missing += !found;
        }
        if (spare >= 0 && missing <= spare) {
            return 1;
        }
        lo += 2 + count;
    }
    return 0;
}

PyDoc_STRVAR(anchor_fire_doc,
"anchor_fire(ids, table, words, /)\n--\n\n"
"AnchorIndex.may_fire: whether words (a set of str) meet a requirement of the table\n"
"(anchors.requirement_table) under one of them; ids maps words to their ids. None\n"
"when words is not a set or the table is empty or of another byte order.");

static PyObject *
anchor_fire(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    (void)module;
    if (nargs != 3) {
        PyErr_SetString(PyExc_TypeError, "anchor_fire() takes 3 arguments");
        return NULL;
    }
    PyObject *ids = args[0], *table = args[1], *words = args[2];
    if (!PyDict_CheckExact(ids) || !PyBytes_CheckExact(table)) {
        PyErr_SetString(PyExc_ValueError, "anchor_fire() needs a dict and bytes");
        return NULL;
    }
    Py_ssize_t size;
    int32_t n;
    int readable = table_header(table, ANCHOR_MAGIC, &size, &n);
    if (readable < 0) {
        return NULL;
    }
    if (readable == 0 || !PyAnySet_CheckExact(words)) {
        Py_RETURN_NONE;
    }
    const char *t = PyBytes_AS_STRING(table);
    Held held;
    if (held_init(&held, n) < 0) {
        return NULL;
    }
    PyObject *result = NULL;
    if (held_add_all(&held, ids, words) < 0) {
        goto done;
    }
    int fires = 0;
    for (Py_ssize_t k = 0; k < held.count && !fires; k++) {
        Py_ssize_t lo, hi;
        if (entries_of(t, size, held.present[k], &lo, &hi) < 0) {
            goto done;
        }
        fires = anchor_met(t, size, &held, lo, hi);
        if (fires < 0) {
            goto done;
        }
    }
    result = PyBool_FromLong(fires);
done:
    held_free(&held);
    return result;
}

PyDoc_STRVAR(template_choice_doc,
"template_choice(word_ids, class_ids, table, words, classes, /)\n--\n\n"
"TemplateIndex._select's choice: the frozenset of the ranks of the table's templates\n"
"(sequence.choice_table) keyed by a word of words or a class of classes whose\n"
"mandatory elements all occur; word_ids and class_ids map words and class names to\n"
"their ids. None when the table is empty or of another byte order.");

static PyObject *
template_choice(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    (void)module;
    if (nargs != 5) {
        PyErr_SetString(PyExc_TypeError, "template_choice() takes 5 arguments");
        return NULL;
    }
    PyObject *word_ids = args[0], *class_ids = args[1], *table = args[2];
    if (!PyDict_CheckExact(word_ids) || !PyDict_CheckExact(class_ids)
        || !PyBytes_CheckExact(table)) {
        PyErr_SetString(PyExc_ValueError, "template_choice() needs two dicts and bytes");
        return NULL;
    }
    Py_ssize_t size;
    int32_t n;
    int readable = table_header(table, CHOICE_MAGIC, &size, &n);
    if (readable <= 0) {
        if (readable < 0) {
            return NULL;
        }
        Py_RETURN_NONE;
    }
    const char *t = PyBytes_AS_STRING(table);
    Held held;
    if (held_init(&held, n) < 0) {
        return NULL;
    }
    PyObject *chosen = NULL;
    if (held_add_all(&held, word_ids, args[3]) < 0 || held_add_all(&held, class_ids, args[4]) < 0) {
        goto fail;
    }
    chosen = PyFrozenSet_New(NULL);
    if (chosen == NULL) {
        goto fail;
    }
    for (Py_ssize_t k = 0; k < held.count; k++) {
        Py_ssize_t lo, hi;
        if (entries_of(t, size, held.present[k], &lo, &hi) < 0) {
            goto fail;
        }
        /* Each entry: rank, count, the positions of its options (all needed). */
        while (lo < hi) {
            if (lo + 2 > hi) {
                table_bad();
                goto fail;
            }
            int32_t rank = int32_at(t, lo), count = int32_at(t, lo + 1);
            if (count < 0 || lo + 2 + count > hi) {
                table_bad();
                goto fail;
            }
            int all = 1;
            for (int32_t j = 0; j < count && all; j++) {
                all = option_held(t, size, &held, int32_at(t, lo + 2 + j));
                if (all < 0) {
                    goto fail;
                }
            }
            if (all) {
                PyObject *number = PyLong_FromLong(rank);
                if (number == NULL || PySet_Add(chosen, number) < 0) {
                    Py_XDECREF(number);
                    goto fail;
                }
                Py_DECREF(number);
            }
            lo += 2 + count;
        }
    }
    held_free(&held);
    return chosen;
fail:
    Py_XDECREF(chosen);
    held_free(&held);
    return NULL;
}

/* --- Slotted instances built for the unpickler ----------------------------------------
 *
 * The compiled-rules cache holds some 35,000 instances of plain slotted classes (trie
 * nodes, term and rule specs). Rebuilt by a Python constructor, each costs a frame and
 * about 1,400 instructions; stored here, a few hundred. rhetoric/pickling.py checks a
 * class's layout once (pickled_by_constructor) before its instances are reduced to this.
 */
#include <structmember.h> /* T_OBJECT_EX, READONLY */

PyDoc_STRVAR(build_doc,
"build(cls, *values) -> a new cls instance whose slots hold values, in the order of the\n"
"class's slot members (its __slots__ sorted by name), without calling __init__.\n"
"cls must be a class made by a class statement on object alone, with only slots.");

static PyObject *
build(PyObject *Py_UNUSED(module), PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs < 1 || !PyType_Check(args[0])) {
        PyErr_SetString(PyExc_TypeError, "build(cls, *values): a class first");
        return NULL;
    }
    PyTypeObject *cls = (PyTypeObject *)args[0];
    Py_ssize_t count = nargs - 1;
    if (!(cls->tp_flags & Py_TPFLAGS_HEAPTYPE) || cls->tp_base != &PyBaseObject_Type
        || Py_SIZE(cls) != count || cls->tp_dictoffset != 0 || cls->tp_weaklistoffset != 0
        || cls->tp_itemsize != 0 || cls->tp_alloc == NULL
        || cls->tp_basicsize != (Py_ssize_t)(sizeof(PyObject) + (size_t)count * sizeof(PyObject *))) {
        PyErr_Format(PyExc_TypeError, "build: %.100s is not a class of %zd slots alone",
                     cls->tp_name, count);
        return NULL;
    }
    /* Checked before any entry is read past the end: the table ends at a NULL name. */
    PyMemberDef *members = cls->tp_members; /* a class statement's slots, name-sorted */
    for (Py_ssize_t i = 0; i <= count; i++) {
        int bad = members == NULL || (i == count) != (members[i].name == NULL);
        if (!bad && i < count) {
            bad = members[i].type != T_OBJECT_EX || (members[i].flags & READONLY)
                  || members[i].offset < (Py_ssize_t)sizeof(PyObject)
                  || members[i].offset > cls->tp_basicsize - (Py_ssize_t)sizeof(PyObject *);
        }
        if (bad) {
            PyErr_Format(PyExc_TypeError, "build: %.100s has members other than %zd slots",
                         cls->tp_name, count);
            return NULL;
        }
    }
    PyObject *made = cls->tp_alloc(cls, 0);
    if (made == NULL) {
        return NULL;
    }
    for (Py_ssize_t i = 0; i < count; i++) {
        PyObject **slot = (PyObject **)((char *)made + members[i].offset);
        PyObject *value = args[i + 1];
        Py_INCREF(value);
        Py_XSETREF(*slot, value);
    }
    return made;
}

static PyMethodDef core_methods[] = {
    {"anchor_fire", (PyCFunction)(void (*)(void))anchor_fire, METH_FASTCALL, anchor_fire_doc},
    {"template_choice", (PyCFunction)(void (*)(void))template_choice, METH_FASTCALL, template_choice_doc},
    {"report_line", (PyCFunction)(void (*)(void))report_line, METH_FASTCALL, report_line_doc},
    {"trie_setup", (PyCFunction)(void (*)(void))trie_setup, METH_FASTCALL, trie_setup_doc},
    {"trie_exact", (PyCFunction)(void (*)(void))trie_exact, METH_FASTCALL, trie_exact_doc},
    {"trie_scan", (PyCFunction)(void (*)(void))trie_scan, METH_FASTCALL, trie_scan_doc},
    {"trie_ends", (PyCFunction)(void (*)(void))trie_ends, METH_FASTCALL, trie_ends_doc},
    {"plain_setup", (PyCFunction)(void (*)(void))plain_setup, METH_FASTCALL, plain_setup_doc},
    {"word_pieces", word_pieces, METH_O, word_pieces_doc},
    {"is_plain", is_plain, METH_O, is_plain_doc},
    {"plain_facts", plain_facts, METH_O, plain_facts_doc},
    {"plain_tokens", (PyCFunction)(void (*)(void))plain_tokens, METH_FASTCALL, plain_tokens_doc},
    {"build_tokens", (PyCFunction)(void (*)(void))build_tokens, METH_FASTCALL, build_tokens_doc},
    {"word_spans", (PyCFunction)(void (*)(void))word_spans, METH_FASTCALL, word_spans_doc},
    {"literal_table", (PyCFunction)(void (*)(void))literal_table, METH_FASTCALL, literal_table_doc},
    {"literal_mask", (PyCFunction)(void (*)(void))literal_mask, METH_FASTCALL, literal_mask_doc},
    {"build", (PyCFunction)(void (*)(void))build, METH_FASTCALL, build_doc},
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
