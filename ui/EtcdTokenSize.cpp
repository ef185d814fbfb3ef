#include "EtcdTokenSize.h"

#include <algorithm>

QSet<QString> etcdMembersBeyondSize(const QList<Node> &members, std::optional<int> size)
{
    QSet<QString> beyond;
    if (!size || *size < 1 || members.size() <= *size)
        return beyond;
    QList<qint64> indexes;
    indexes.reserve(members.size());
    for (const Node &member : members)
        indexes.append(member.etcdIndex);
    std::nth_element(indexes.begin(), indexes.begin() + (*size - 1), indexes.end());
    const qint64 last = indexes.at(*size - 1);
    for (const Node &member : members) {
        if (member.etcdIndex > last)
            beyond.insert(member.address);
    }
    return beyond;
}
