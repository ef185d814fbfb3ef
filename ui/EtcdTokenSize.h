#pragma once

#include "core/Records.h"

#include <QSet>

// The members of an etcd token beyond its size, as etcd counts them: it sorts the
// members by createdIndex and takes the first size as the cluster; each later one is
// made a proxy to them (or, with --discovery-fallback exit, it exits). Their member
// IDs; none when the token has no size or is not over-full.
QSet<QString> etcdMembersBeyondSize(const QList<Node> &members, std::optional<int> size);
