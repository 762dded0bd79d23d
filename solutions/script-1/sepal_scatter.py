"""Scatter plot of iris sepal measurements by species, saved to a PNG file."""

import matplotlib

matplotlib.use("Agg")  # no screen: draw into a file
import matplotlib.pyplot as plt
from sklearn.datasets import load_iris

figure_name = (
    "sepal_scatter.png"  # was defined in a cell that no longer exists
)

iris = load_iris(as_frame=True)
flowers = iris.frame
print(flowers.head())  # print works everywhere, unlike IPython's display

flowers.plot.scatter(
    x="sepal length (cm)", y="sepal width (cm)", c="target", colormap="viridis"
)
plt.savefig(
    figure_name, metadata={"Software": None}
)  # save; there is nothing to show() on
print(f"Saved {figure_name}")
