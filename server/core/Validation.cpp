#include "Validation.h"

namespace {

bool hasControlCharacter(QStringView text)
{
    for (QChar c : text) {
        if (c.unicode() < 0x20 || c.unicode() == 0x7f)
            return true;
    }
    return false;
}

} // namespace

namespace Validation {

bool isWellFormedId(QStringView text)
{
    if (text.isEmpty() || text.size() > MaxIdLength || text.front() == u'.')
        return false;
    for (QChar c : text) {
        const char16_t u = c.unicode();
        const bool ok = (u >= u'a' && u <= u'z') || (u >= u'A' && u <= u'Z')
            || (u >= u'0' && u <= u'9') || u == u'-' || u == u'_' || u == u'.';
        if (!ok)
            return false;
    }
    return true;
}

bool isReservedId(QStringView text)
{
    return text == u"api" || text == u"healthz" || text == u"new" || text == u"etcd";
}

bool isWellFormedEtcdMemberId(QStringView text)
{
    return isWellFormedId(text) && text.front() != u'_';
}

QString checkAddress(QStringView address)
{
    if (address.trimmed().isEmpty())
        return QStringLiteral("address is empty");
    if (address.size() > MaxAddressLength)
        return QStringLiteral("address is longer than %1 characters").arg(MaxAddressLength);
    if (hasControlCharacter(address))
        return QStringLiteral("address contains a control character");
    return {};
}

QString checkLabel(QStringView label)
{
    if (label.size() > MaxLabelLength)
        return QStringLiteral("label is longer than %1 characters").arg(MaxLabelLength);
    if (hasControlCharacter(label))
        return QStringLiteral("label contains a control character");
    return {};
}

} // namespace Validation
