// The byte-level framing of requests, as they arrive in pieces: the first byte says
// where the input is cut in two, as TCP might deliver it.

#include "http/RequestFramer.h"

#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    if (size == 0)
        return 0;
    HttpLimits limits;
    limits.maxHeaderBytes = 2048;
    limits.maxBodyBytes = 4096;
    RequestFramer framer(limits);
    const QByteArrayView input(reinterpret_cast<const char *>(data) + 1, qsizetype(size - 1));
    const qsizetype cut = input.isEmpty() ? 0 : data[0] % (input.size() + 1);
    const RequestFramer::Step first = framer.feed(input.first(cut));
    const RequestFramer::Step second = framer.feed(input.sliced(cut));
    // A refusal is final: nothing after it is read.
    if (first.refusal && second.refusal)
        __builtin_trap();
    return 0;
}
