/*
 * The COM surface of the runner core (runner.h): Connect.Bridge.Sender as 1C:Enterprise calls it - CLSIDFromProgID,
 * CoCreateInstance, GetIDsOfNames + IDispatch::Invoke by member name, on an STA thread. Built with mingw for both
 * bitnesses by ./build.sh test com and run under Wine.
 * An option step puts the string property of its id (rn_com_property), a keyboard step KeyboardJson / KeyboardRows,
 * all as VT_BSTR holding exactly the step's UTF-16 units; the fault matrix's timeout and retry delay go to
 * TimeoutSeconds and RetryDelaySeconds (VT_I4 when whole, else VT_R8) and its retries to MaxRetries (VT_I4), as
 * rn_com_number says. Send and DropKeyboard must return what
 * LastStatusCode then says, and no Invoke may fail (ThrowOnError is off).
 */
#include "../com/com_util.h"
#include "runner.h"

static int start(void)
{
    HRESULT hr = CoInitializeEx(NULL, COINIT_APARTMENTTHREADED); /* 1C's client threads are STA */
    if (FAILED(hr)) { fprintf(stderr, "CoInitializeEx: %08lx\n", hr); return 1; }
    return 0;
}

static void *create(struct rn_report *r)
{
    CLSID clsid;
    IDispatch *d = NULL;
    HRESULT hr = CLSIDFromProgID(L"Connect.Bridge.Sender", &clsid);
    if (SUCCEEDED(hr)) hr = CoCreateInstance(&clsid, NULL, CLSCTX_INPROC_SERVER, &IID_IDispatch, (void **)&d);
    if (FAILED(hr) || !d) { rn_problem(r, "the object could not be created: hr=%08lx", hr); return NULL; }
    return d;
}

static void destroy(void *d) { IDispatch_Release((IDispatch *)d); }

/* A value as a BSTR of exactly its UTF-16 units (U+0000 and lone surrogates kept); NULL when it is not text. */
static BSTR bstr_of(const struct rn_value *v)
{
    if (v->is_null) return NULL;
    if (v->wide) return SysAllocStringLen((const OLECHAR *)v->data, (UINT)v->len);
    size_t n;
    uint16_t *u = rn_utf16((const char *)v->data, &n);
    BSTR b = u ? SysAllocStringLen((const OLECHAR *)u, (UINT)n) : NULL;
    free(u);
    return b;
}

static int last_status(void *d) { return last_status_of((IDispatch *)d); }

static int step(void *obj, const struct rn_step *st, struct rn_report *r)
{
    IDispatch *d = (IDispatch *)obj;
    VARIANT args[3];
    wchar_t name[32];
    const char *prop = st->kind == 'O' ? rn_com_property(st->number) : st->kind == 'K' ? rn_keyboard_property(st->number) : NULL;
    struct rn_number number;
    if (rn_com_number(st, &number)) { /* numbers on COM: the fault matrix's presets */
        prop = number.property;
        args[0] = number.whole ? vint((int)number.integer) : (VARIANT){ .vt = VT_R8, .dblVal = number.fraction };
    } else if (st->kind == 'O' || st->kind == 'K') {
        if (!prop) { rn_problem(r, "%s %d has no COM property", st->kind == 'O' ? "option" : "keyboard format", st->number); return RN_BROKEN; }
        args[0] = vbstr(bstr_of(&st->args[0]));
    } else {
        for (int k = 0; k < st->nargs; k++) args[k] = vbstr(bstr_of(&st->args[k]));
    }
    for (int k = 0; k < st->nargs; k++)
        if (args[k].vt == VT_BSTR && !args[k].bstrVal) { rn_problem(r, "value %d is no COM string", k); return RN_BROKEN; }
    if (prop) MultiByteToWideChar(CP_UTF8, 0, prop, -1, name, 32);
    else wcscpy(name, st->kind == 'M' ? L"Send" : L"DropKeyboard");
    Result res = invoke(d, name, prop ? DISPATCH_PROPERTYPUT : DISPATCH_METHOD, st->nargs, args);
    for (int k = 0; k < st->nargs; k++) VariantClear(&args[k]);
    int status = last_status_of(d);
    if (res.hr != S_OK) {
        rn_problem(r, "Invoke(%ls) hr=%08lx (ThrowOnError is off: nothing may raise), LastStatusCode=%d", name, res.hr, status);
        clear_result(&res);
        return RN_BROKEN;
    }
    if (!prop && (res.v.vt != VT_I4 || res.v.lVal != status)) {
        rn_problem(r, "%ls returned vt=%d value=%ld but LastStatusCode is %d", name, res.v.vt, res.v.vt == VT_I4 ? (long)res.v.lVal : 0L, status);
        clear_result(&res);
        return RN_BROKEN;
    }
    clear_result(&res);
    return status;
}

static uint16_t *last_error(void *d, struct rn_report *r, size_t *len)
{
    BSTR text = last_error_of((IDispatch *)d);
    if (!text) { rn_problem(r, "LastErrorText unreadable"); return NULL; }
    *len = SysStringLen(text);
    uint16_t *out = malloc((*len + 1) * sizeof *out);
    memcpy(out, text, (*len + 1) * sizeof *out);
    SysFreeString(text);
    return out;
}

static const struct rn_surface com = { "com", "COM", start, create, destroy, step, last_status, last_error, NULL };

int main(int argc, char **argv) { return rn_main(&com, argc, argv); }
