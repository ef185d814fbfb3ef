#pragma once

#include <vector>

// While one lives, this process can open no more file descriptors (Unix): it lowers
// the soft limit on open files to Limit and takes every number left below it, as a
// flood of clients would. Both go back when it goes. count() is how many it took
// (0 where it cannot: then a test has nothing to exercise and should fail).
class NoFreeDescriptors
{
public:
    NoFreeDescriptors();
    ~NoFreeDescriptors();
    NoFreeDescriptors(const NoFreeDescriptors &) = delete;
    NoFreeDescriptors &operator=(const NoFreeDescriptors &) = delete;

    int count() const { return int(m_taken.size()); }

    static constexpr int Limit = 512;

private:
    std::vector<int> m_taken;
    long long m_softLimit = -1;
};
