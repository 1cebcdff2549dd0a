// Importing this module registers every architecture of the zoo.
import './mobilenet_v2.js';
import './resnet.js';
import './squeezenet.js';
import './efficientnet.js';
import './densenet.js';
import './inception_v3.js';
import './googlenet.js';
import './small_cnn.js';
