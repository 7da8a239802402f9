// Drafts: adding actions and dependencies, and numbering them in execution order.
#include "reconcile/planning/drafts.h"

#include <algorithm>

namespace sriov::reconcile::planning {

DraftId Drafts::add(Stage stage, Action action) {
  list_.push_back({std::move(action), stage, {}});
  return list_.size() - 1;
}

void Drafts::dep(DraftId draft, std::optional<DraftId> on) {
  if (on && *on != draft) list_[draft].deps.insert(*on);
}

void Drafts::deps(DraftId draft, const std::vector<DraftId>& on) {
  for (DraftId o : on) dep(draft, o);
}

std::vector<Action> Drafts::ordered() const {
  std::vector<size_t> order(list_.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [this](size_t a, size_t b) {
    const Draft& x = list_[a];
    const Draft& y = list_[b];
    if (x.stage != y.stage) return x.stage < y.stage;
    if (x.action.target != y.action.target) return x.action.target < y.action.target;
    return x.action.kind < y.action.kind;
  });
  std::vector<int> idOf(list_.size());
  for (size_t i = 0; i < order.size(); ++i) idOf[order[i]] = static_cast<int>(i + 1);
  std::vector<Action> out;
  for (size_t i : order) {
    Action a = list_[i].action;
    a.id = idOf[i];
    for (DraftId d : list_[i].deps) a.after.push_back(idOf[d]);
    std::sort(a.after.begin(), a.after.end());
    out.push_back(a);
  }
  return out;
}

}  // namespace sriov::reconcile::planning
