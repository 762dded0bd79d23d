"""The classifiers the training step can fit, by their short names.

Each entry maps a name to a title for the figure and a function that builds a
fresh, unfitted model. Every model scales the two features first and has its
random state fixed, so a training run gives the same result every time. To
offer another classifier, add one entry here.
"""

from sklearn.gaussian_process import GaussianProcessClassifier
from sklearn.gaussian_process.kernels import RBF
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC
from sklearn.tree import DecisionTreeClassifier

CLASSIFIERS = {
    "nearest_neighbours": (
        "Nearest neighbours",
        lambda: KNeighborsClassifier(n_neighbors=5),
    ),
    "linear_svm": (
        "Linear SVM",
        lambda: SVC(kernel="linear", C=0.1, random_state=0),
    ),
    "rbf_svm": (
        "RBF SVM",
        lambda: SVC(kernel="rbf", gamma=2.0, C=1.0, random_state=0),
    ),
    "gaussian_process": (
        "Gaussian process",
        lambda: GaussianProcessClassifier(
            kernel=1.0 * RBF(1.0), random_state=0
        ),
    ),
    "decision_tree": (
        "Decision tree",
        lambda: DecisionTreeClassifier(max_depth=5, random_state=0),
    ),
}


def build(name: str):
    """A new pipeline (scaling, then the classifier called ``name``)."""
    _title, make = CLASSIFIERS[name]
    return make_pipeline(StandardScaler(), make())


def title(name: str) -> str:
    return CLASSIFIERS[name][0]
