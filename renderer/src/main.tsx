import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app.js';
import { connect } from './transport/index.js';
import './styles/base.css';
import './styles/controls.css';
import './styles/surfaces.css';
import './styles/chrome.css';
import './styles/screens.css';

const root = document.getElementById('root');
if (!root) throw new Error('index.html lost its #root element');
const connection = await connect();
createRoot(root).render(
  <StrictMode>
    <App connection={connection} />
  </StrictMode>,
);
