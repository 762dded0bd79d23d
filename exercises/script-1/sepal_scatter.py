#!/usr/bin/env python
# coding: utf-8

# In[1]:


get_ipython().run_line_magic('matplotlib', 'inline')
import matplotlib.pyplot as plt
from sklearn.datasets import load_iris


# In[2]:


iris = load_iris(as_frame=True)
flowers = iris.frame
display(flowers.head())


# In[4]:


flowers.plot.scatter(x="sepal length (cm)", y="sepal width (cm)", c="target", colormap="viridis")
plt.show()
plt.savefig(figure_name)
