// The byte-level framing of requests, as they arrive in pieces: the first byte says
// where the input is cut in two, as TCP might deliver it. The cut must change
// nothing: the same requests, byte for byte, and the same refusal.

#include "http/RequestFramer.h"

#include <cstdint>

namespace {

struct Framed
{
    QList<QByteArray> requests;
    int refusal = 0;
};

Framed frame(QByteArrayView input, qsizetype cut)
{
    HttpLimits limits;
    limits.maxHeaderBytes = 2048;
    limits.maxBodyBytes = 4096;
    RequestFramer framer(limits);
    Framed framed;
    for (QByteArrayView piece : {input.first(cut), input.sliced(cut)}) {
        while (!piece.isEmpty() && !framer.refusal()) {
            const qsizetype used = framer.feed(piece);
            if (used > piece.size())
                __builtin_trap();
            piece = piece.sliced(used);
            if (const auto request = framer.takeRequest())
                framed.requests << request->forServer;
            else if (used == 0)
                __builtin_trap(); // took nothing and has nothing to give: it would hang
        }
    }
    framed.refusal = framer.refusal() ? framer.refusal()->status : 0;
    return framed;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    if (size == 0)
        return 0;
    const QByteArrayView input(reinterpret_cast<const char *>(data) + 1, qsizetype(size - 1));
    const qsizetype cut = input.isEmpty() ? 0 : data[0] % (input.size() + 1);
    const Framed whole = frame(input, input.size());
    const Framed pieces = frame(input, cut);
    if (whole.requests != pieces.requests || whole.refusal != pieces.refusal)
        __builtin_trap();
    return 0;
}
